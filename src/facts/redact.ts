/**
 * Command lines reach reports: the `docker exec` runs of 5.23/5.24 (from the host's audit log and
 * the engine's exec sessions) and the container processes 5.7 reads. A secret given on one —
 * `--password X`, `--token=X`, `DB_PASSWORD=X`, `https://user:X@host` — must not be carried into a
 * report (a CI log, a SARIF upload), so the value is replaced by `***` when the facts are built;
 * what ran, and with which options, stays readable.
 *
 * Names count as secret by a word in them: pass, pwd, api key, access key, private key or
 * credential between `-`, `_`, `.` or the ends, or a name ending in password, passwd, secret or
 * token: `--db-password`, `PGPASSWORD`, `MYSQL_PWD`, `DB_PASS`, `--token-file` (its path is hidden
 * too: harmless), not `--passive` or `--tokenizer`. A value that follows its option as the next
 * word is hidden unless it is itself an option. Not caught: a secret the command line does not
 * name (`mysql -pX`, `--requirepass X`, a bare argument).
 */

export const REDACTED = "***";

const SECRET_NAME = new RegExp(
  // A secret word between separators (or the name's ends), or a name ending in one of the longer words.
  /(?:^|[-_.])(?:pass|pwd|api[-_]?key|access[-_]?key|private[-_]?key|credentials?)(?:$|[-_.])/.source +
    "|" +
    /(?:password|passwd|secret|token)(?:$|[-_.])/.source,
  "i",
);

/** `scheme://user:password@` → `scheme://user:***@`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi;
/** An option (`-x`, `--name`), with `=value` or followed by its value as the next word. */
const OPTION = /(^|\s)(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(?:=(\S*)|(\s+)(?!-)(\S+))?/g;
/** `NAME=value` (an environment assignment, a key=value argument). */
const ASSIGNMENT = /(^|[\s'"])([A-Za-z_][A-Za-z0-9_.-]*)=([^\s'"]*)/g;

/** Does this option or variable name (`--db-password`, `API_TOKEN`) name a credential? */
export const isSecretName = (name: string): boolean => SECRET_NAME.test(name.replace(/^-+/, ""));

/** The command line with the values of secret-named options and assignments, and URL passwords, replaced by `***`. */
export function redactCommandLine(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    .replace(
      OPTION,
      (
        whole,
        lead: string,
        name: string,
        attached: string | undefined,
        gap: string | undefined,
        next: string | undefined,
      ) => {
        if (!isSecretName(name)) return whole;
        if (attached !== undefined) return `${lead}${name}=${REDACTED}`;
        if (next !== undefined) return `${lead}${name}${gap}${REDACTED}`;
        return whole;
      },
    )
    .replace(ASSIGNMENT, (whole, lead: string, name: string) =>
      isSecretName(name) ? `${lead}${name}=${REDACTED}` : whole,
    );
}
