/**
 * Properties of reading `docker exec` runs from an audit log, which holds whatever anyone typed:
 * the parser never throws on any text or command line, finds each exec run written in any of the
 * CLI's spellings, and never lets a secret-named value through to the command it reports.
 */
import fc from "fast-check";
import { dockerExecFromArgv, parseExecAuditLog } from "../../src/adapters/exec-audit-log";
import { redactCommandLine } from "../../src/facts/redact";

const word = fc.oneof(
  fc.constantFrom(
    "docker",
    "docker-compose",
    "compose",
    "container",
    "exec",
    "-",
    "--",
    "-u",
    "--user",
    "-p",
    "-f",
    "--index",
    "-it",
    "-Tu",
    "--privileged",
    "--privileged=false",
    "-H",
    "=",
    "root",
    "web",
    "/",
  ),
  fc.string({ maxLength: 12 }),
);
const argv = fc.array(word, { maxLength: 14 });

/** An EXECVE record for argv, as auditd writes it (hex for anything but plain printable text). */
const record = (args: string[], serial: number): string =>
  `type=EXECVE msg=audit(1795908639.467:${serial}): argc=${args.length} ` +
  args
    .map((a, i) =>
      /^[\x21\x23-\x7e]+$/.test(a) ? `a${i}="${a}"` : `a${i}=${Buffer.from(a, "utf8").toString("hex").toUpperCase()}`,
    )
    .join(" ");

test("no command line or working directory makes the reader throw", () => {
  fc.assert(
    fc.property(
      argv,
      fc.option(fc.string({ maxLength: 20 })),
      (a, cwd) => void dockerExecFromArgv(a, cwd ?? undefined),
    ),
    { numRuns: 3000 },
  );
});

test("no text makes the log parser throw, and every record line counts", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          argv.map((a) => record(a, 7)),
        ),
        { maxLength: 20 },
      ),
      (lines) => {
        const log = parseExecAuditLog(lines.join("\n"));
        expect(log.records).toBe(lines.filter((l) => l.startsWith("type=EXECVE msg=audit(")).length);
      },
    ),
    { numRuns: 500 },
  );
});

test("a `docker exec` written with any user spelling is found with that user, privileged or not", () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/);
  const user = fc.stringMatching(/^[a-z0-9][a-z0-9:_-]{0,10}$/);
  const spelling = fc.constantFrom(
    (u: string) => ["-u", u],
    (u: string) => [`-u${u}`],
    (u: string) => [`--user=${u}`],
    (u: string) => ["--user", u],
    (u: string) => ["-itu", u],
  );
  fc.assert(
    fc.property(
      name,
      user,
      spelling,
      fc.boolean(),
      fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 3 }),
      (container, u, spell, privileged, command) => {
        const args = [
          "/usr/bin/docker",
          "exec",
          ...(privileged ? ["--privileged"] : []),
          ...spell(u),
          container,
          ...command,
        ];
        const log = parseExecAuditLog(record(args, 1));
        expect(log.execs).toHaveLength(1);
        expect(log.execs[0]).toMatchObject({ container, event: { privileged, user: u, command: command.join(" ") } });
      },
    ),
    { numRuns: 1000 },
  );
});

test("a value given to a secret-named option or assignment never survives redaction", () => {
  const secretName = fc.constantFrom(
    "password",
    "db-password",
    "DB_PASSWORD",
    "PGPASSWORD",
    "token",
    "api-key",
    "client_secret",
    "MYSQL_PWD",
    "access-key",
  );
  const secret = fc.stringMatching(/^[A-Za-z0-9]{12,20}$/).map((s) => `S3CR3T${s}`);
  const form = fc.constantFrom(
    (n: string, v: string) => `--${n}=${v}`,
    (n: string, v: string) => `--${n} ${v}`,
    (n: string, v: string) => `${n}=${v}`,
    (_n: string, v: string) => `https://user:${v}@host/x`,
  );
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^[a-z/]{1,8}$/), { maxLength: 4 }),
      secretName,
      secret,
      form,
      fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 3 }),
      (before, n, v, f, after) => {
        expect(redactCommandLine([...before, f(n, v), ...after].join(" "))).not.toContain(v);
      },
    ),
    { numRuns: 2000 },
  );
});
