/**
 * `docker exec` runs from the host's audit log (CIS 5.23/5.24). The fixture is a real auditd log
 * (auditd 3.0.9, RAW format) written on this project's test machine while auditd watched both
 * docker CLIs there (`-w … -p x -k docker`) and these ran (against no engine: the CLI's run is
 * recorded whatever its outcome):
 *
 *   /usr/bin/docker exec --privileged -u root web sh -c 'echo "a b"'
 *   /usr/bin/docker container exec -it --user=0 db id
 *   /usr/bin/docker -H unix:///var/run/docker.sock exec -uroot cache true
 *   /usr/local/bin/docker --context=default exec -itu 10001 api ls
 *   /usr/bin/docker ps
 *   /usr/bin/docker exec -e A=1 --env-file /dev/null -w /tmp --privileged=false app -- ls -l
 *   /usr/bin/docker exec -d worker sleep 5
 *   /usr/bin/docker exec app2 sh -c "<9,000 x>"      (split by auditd into a5_len/a5[0..] records)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dockerExecFromArgv, parseExecAuditLog, withLoggedExecs, type ExecAuditLog } from "../../../src/facts/exec-audit-log";
import type { ContainerFacts } from "../../../src/facts/types";
import { noPrivilegedExec, noRootExec } from "../../../src/rules/section5-runtime";
import { DEFAULT_SETTINGS } from "../../../src/rules/types";

const LOG = readFileSync(join(__dirname, "fixtures/auditd-docker-exec.log"), "utf8");

describe("parseExecAuditLog on a real auditd log", () => {
  const log = parseExecAuditLog(LOG);

  test("finds every exec run, in order, and nothing else (`docker ps` is not one)", () => {
    expect(log.execs.map((x) => [x.container, x.event.privileged, x.event.user, x.event.command?.slice(0, 20)])).toEqual([
      ["web", true, "root", 'sh -c echo "a b"'],
      ["db", false, "0", "id"],
      ["cache", false, "root", "true"],
      ["api", false, "10001", "ls"],
      ["app", false, undefined, "-- ls -l"], // after the container, `--` is the command's: the CLI passes it on
      ["worker", false, undefined, "sleep 5"],
      ["app2", false, undefined, "sh -c xxxxxxxxxxxxxx"],
    ]);
  });

  test("decodes hex-encoded arguments and joins an argument auditd split over several records", () => {
    expect(log.execs[0]!.event.command).toBe('sh -c echo "a b"');
    expect(log.execs[6]!.event.command).toBe(`sh -c ${"x".repeat(9000)}`);
  });

  test("keeps when (from the record) and who (uid, auid from the SYSCALL record), and the engine options given", () => {
    expect(log.execs[0]).toMatchObject({ uid: 0, auid: 4294967295, engineOptions: [], event: { at: "2026-11-28T23:30:39.467Z" } });
    expect(log.execs[2]!.engineOptions).toEqual(["-H unix:///var/run/docker.sock"]);
    expect(log.execs[3]!.engineOptions).toEqual(["--context=default"]);
  });

  test("says from when the log knows anything: its first record", () => {
    expect(log.since).toBe("2026-11-28T23:30:37.467Z");
    expect(log.records).toBe(72);
  });

  test("an empty or foreign text has no records; a line cut where the reading began is skipped", () => {
    expect(parseExecAuditLog("")).toEqual({ execs: [], records: 0 });
    expect(parseExecAuditLog("hello\nworld\n").records).toBe(0);
    const cut = LOG.slice(LOG.indexOf("a5[1]=") - 10);
    expect(() => parseExecAuditLog(cut)).not.toThrow();
  });
});

describe("dockerExecFromArgv reads the CLI's options as the CLI does", () => {
  const run = (...argv: string[]) => dockerExecFromArgv(["docker", ...argv]);
  test.each([
    [["exec", "c", "id"], { container: "c", privileged: false, command: ["id"] }],
    [["exec", "--privileged", "c"], { container: "c", privileged: true, command: [] }],
    [["exec", "--privileged=true", "c"], { container: "c", privileged: true, command: [] }],
    [["exec", "--privileged=false", "c"], { container: "c", privileged: false, command: [] }],
    [["exec", "-u", "root", "c"], { container: "c", privileged: false, user: "root", command: [] }],
    [["exec", "-uroot", "c"], { container: "c", privileged: false, user: "root", command: [] }],
    [["exec", "-u=0", "c"], { container: "c", privileged: false, user: "0", command: [] }],
    [["exec", "-itu", "0:0", "c", "sh"], { container: "c", privileged: false, user: "0:0", command: ["sh"] }],
    [["exec", "--user", "app", "--user", "root", "c"], { container: "c", privileged: false, user: "root", command: [] }],
    [["exec", "-e", "-u", "c", "id"], { container: "c", privileged: false, command: ["id"] }], // -u is -e's value
    [["exec", "-w", "/x", "--detach-keys", "ctrl-x", "c", "--privileged"], { container: "c", privileged: false, command: ["--privileged"] }], // after the container: its command's
    [["exec", "--", "c", "-u", "root"], { container: "c", privileged: false, command: ["-u", "root"] }],
    [["--log-level", "debug", "-D", "container", "exec", "c"], { container: "c", privileged: false, command: [] }],
  ])("docker %j", (argv, expected) => expect(run(...argv)).toEqual({ engineOptions: [], ...expected }));

  test.each([[["ps"]], [["run", "--privileged", "img"]], [["image", "exec"]], [["exec"]], [["exec", "-u", "root"]]])("not an exec run: docker %j", (argv) => expect(run(...argv)).toBeUndefined());
  test("another program named like an option is not docker", () => expect(dockerExecFromArgv(["/usr/bin/dockerd", "exec", "c"])).toBeUndefined());
});

describe("withLoggedExecs puts each run on the container the engine would resolve", () => {
  const container = (id: string, name: string, extra: Partial<ContainerFacts> = {}): ContainerFacts =>
    ({ kind: "container", origin: "live", id, name, state: "running", labels: {}, envNames: [], ...extra }) as ContainerFacts;
  const log = (...execs: [string, { privileged?: boolean; user?: string; command?: string }][]): ExecAuditLog => ({
    execs: execs.map(([c, e]) => ({ container: c, engineOptions: [], event: { privileged: e.privileged ?? false, ...(e.user ? { user: e.user } : {}), at: "2026-11-28T10:00:00.000Z", command: e.command ?? "id" } })),
    since: "2026-11-01T00:00:00.000Z",
    records: 10,
  });
  const web = container("a1b2c3d4e5f6", "web", { user: "10001:10001" });
  const db = container("a1ffffffffff", "db", { imageConfig: { user: "postgres" } });
  const bare = container("0123456789ab", "bare");

  test("by name (with or without the slash), full id, or a unique id prefix; an ambiguous prefix names none", () => {
    const out = withLoggedExecs([web, db, bare], log(["web", { command: "a" }], ["/db", { command: "b" }], ["0123", { command: "c" }], ["a1", { command: "ambiguous" }], ["gone", { command: "d" }]));
    expect(out.map((c) => c.execAuditEvents!.map((e) => e.command))).toEqual([["a"], ["b"], ["c"]]);
  });

  test("a run without --user is listed as the user it ran as: the container's, else the image's, else root", () => {
    const out = withLoggedExecs([web, db, bare], log(["web", {}], ["db", {}], ["bare", {}], ["bare", { user: "nobody" }]));
    expect(out.map((c) => c.execAuditEvents!.map((e) => e.user))).toEqual([["10001:10001"], ["postgres"], ["root", "nobody"]]);
  });

  test("coverage is the audit log from its first record; the engine's sessions the log does not show are kept", () => {
    const withSessions = { ...web, execAuditCoverage: "engine-sessions" as const, execAuditEvents: [{ privileged: false, user: "root", command: "id" }, { privileged: true, user: "10001:10001", command: "sh (created, not started)" }] };
    const [out] = withLoggedExecs([withSessions], log(["web", { user: "root", command: "id" }]));
    expect(out).toMatchObject({ execAuditCoverage: "audit-log", execAuditSince: "2026-11-01T00:00:00.000Z" });
    expect(out!.execAuditEvents!.map((e) => [e.command, e.privileged, e.at])).toEqual([
      ["id", false, "2026-11-28T10:00:00.000Z"], // the logged run; the same open session is not listed twice
      ["sh (created, not started)", true, undefined], // made through the API: not in the log
    ]);
  });

  test("5.23 and 5.24 judge it: a pass says what the log covered; a privileged run fails", () => {
    const ctx = { settings: DEFAULT_SETTINGS, now: new Date("2026-11-28T12:00:00Z") };
    const [clean, privileged] = withLoggedExecs([bare, web], log(["web", { privileged: true, command: "sh" }]));
    expect(noPrivilegedExec.check(clean!, ctx)).toEqual({ status: "pass", detail: expect.stringMatching(/^no privileged exec in the host's audit log since 2026-11-01T00:00:00.000Z .*API from elsewhere is not in it/) });
    expect(noPrivilegedExec.check(privileged!, ctx)).toMatchObject({ status: "fail", field: "execAuditEvents[0].privileged", detail: "privileged `sh` as 10001:10001 at 2026-11-28T10:00:00.000Z" });
    expect(noRootExec.check(clean!, ctx)).toEqual({ status: "manual", guidance: expect.stringMatching(/^No exec as root in the host's audit log since 2026-11-01/), report: [] });
  });
});
