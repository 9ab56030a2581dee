// A tiny glob for skill names: `*` is any run of characters, `?` one character, the rest literal.
// node's path.matchesGlob is still experimental on Node 20 (it prints a warning) and treats `/` as special.

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const character of glob) {
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

export function matchesGlob(text: string, glob: string): boolean {
  return globToRegExp(glob).test(text);
}
