// A skill's regex assertion runs on untrusted model output, so it must not be able to hang the process:
// the pattern is short, has no quantified group that itself holds a quantifier (the shape of catastrophic
// backtracking, e.g. (a+)+ or (a|aa)*), no back-references, and the text it runs on is capped.
export const MAX_PATTERN_CHARS = 500;
export const MAX_REGEX_INPUT_CHARS = 100_000;

/** Why the pattern is refused, or null when it is safe to run. */
export function unsafeRegexReason(pattern: string, flags = ''): string | null {
  if (pattern.length > MAX_PATTERN_CHARS) return `the pattern is longer than ${MAX_PATTERN_CHARS} characters`;
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (hasNestedQuantifier(pattern)) return 'a repeated group that itself repeats (like (a+)+) can take exponential time';
  return null;
}

export function safeRegexTest(pattern: string, flags: string, text: string): boolean {
  return new RegExp(pattern, flags).test(text.slice(0, MAX_REGEX_INPUT_CHARS));
}

/** A group followed by a quantifier whose body holds a quantifier or an alternation. */
function hasNestedQuantifier(pattern: string): boolean {
  const stack: Array<{ inner: boolean }> = [];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (char === '[') {
      // a character class: skip to its end, quantifiers inside are literal
      index++;
      while (index < pattern.length && pattern[index] !== ']') index += pattern[index] === '\\' ? 2 : 1;
      continue;
    }
    if (char === '(') stack.push({ inner: false });
    else if (char === ')') {
      const group = stack.pop();
      const next = pattern[index + 1];
      const quantified = next === '*' || next === '+' || next === '{';
      if (group?.inner && quantified) return true;
      if (group?.inner && stack.length > 0) stack[stack.length - 1].inner = true;
      if (quantified && stack.length > 0) stack[stack.length - 1].inner = true;
    } else if ((char === '*' || char === '+' || char === '{' || char === '|') && stack.length > 0) {
      stack[stack.length - 1].inner = true;
    }
  }
  return false;
}
