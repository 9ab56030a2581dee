// Models wrap JSON in ```json fences or a sentence of prose; find the one JSON value in a reply.

export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'the reply was empty; expected one JSON value' };
  const attempts = [trimmed, fencedBlock(trimmed), balancedValue(trimmed)].filter((candidate): candidate is string => candidate !== undefined);
  let firstError = '';
  for (const candidate of attempts) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (error) {
      firstError ||= (error as Error).message;
    }
  }
  return { ok: false, error: `the reply is not valid JSON (${firstError})` };
}

function fencedBlock(text: string): string | undefined {
  return text.match(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/)?.[1]?.trim();
}

/** From the first { or [ to its matching close, skipping brackets inside strings. */
function balancedValue(text: string): string | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  const stack: string[] = [];
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') stack.push(char === '{' ? '}' : ']');
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) return undefined;
      if (stack.length === 0) return text.slice(start, index + 1);
    }
  }
  return undefined;
}
