/**
 * Shell quoting for every value that reaches a host script. Single quotes make the shell take
 * the text literally; an embedded single quote is closed, escaped and reopened.
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a NUL byte cannot be passed to a shell");
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
