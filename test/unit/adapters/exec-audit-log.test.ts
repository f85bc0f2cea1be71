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
import {
  dockerExecFromArgv,
  parseExecAuditLog,
  withLoggedExecs,
  type ComposeExecTarget,
  type ExecAuditLog,
} from "../../../src/adapters/exec-audit-log";
import type { ContainerFacts, ExecAuditEvent } from "../../../src/facts/types";
import { noPrivilegedExec } from "../../../src/rules/section5/5.23-docker-exec-never-run-with";
import { noRootExec } from "../../../src/rules/section5/5.24-docker-exec-never-run-with";
import { DEFAULT_SETTINGS } from "../../../src/rules/types";

const LOG = readFileSync(join(__dirname, "fixtures/auditd-docker-exec.log"), "utf8");

describe("parseExecAuditLog on a real auditd log", () => {
  const log = parseExecAuditLog(LOG);

  test("finds every exec run, in order, and nothing else (`docker ps` is not one)", () => {
    expect(
      log.execs.map((x) => [x.container, x.event.privileged, x.event.user, x.event.command?.slice(0, 20)]),
    ).toEqual([
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
    expect(log.execs[0]).toMatchObject({
      uid: 0,
      auid: 4294967295,
      engineOptions: [],
      event: { at: "2026-11-28T23:30:39.467Z" },
    });
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
    [
      ["exec", "--user", "app", "--user", "root", "c"],
      { container: "c", privileged: false, user: "root", command: [] },
    ],
    [["exec", "-e", "-u", "c", "id"], { container: "c", privileged: false, command: ["id"] }], // -u is -e's value
    [
      ["exec", "-w", "/x", "--detach-keys", "ctrl-x", "c", "--privileged"],
      { container: "c", privileged: false, command: ["--privileged"] },
    ], // after the container: its command's
    [["exec", "--", "c", "-u", "root"], { container: "c", privileged: false, command: ["-u", "root"] }],
    [["--log-level", "debug", "-D", "container", "exec", "c"], { container: "c", privileged: false, command: [] }],
  ])("docker %j", (argv, expected) => expect(run(...argv)).toEqual({ engineOptions: [], ...expected }));

  test.each([[["ps"]], [["run", "--privileged", "img"]], [["image", "exec"]], [["exec"]], [["exec", "-u", "root"]]])(
    "not an exec run: docker %j",
    (argv) => expect(run(...argv)).toBeUndefined(),
  );
  test("another program named like an option is not docker", () =>
    expect(dockerExecFromArgv(["/usr/bin/dockerd", "exec", "c"])).toBeUndefined());
});

describe("withLoggedExecs puts each run on the container the engine would resolve", () => {
  const container = (id: string, name: string, extra: Partial<ContainerFacts> = {}): ContainerFacts =>
    ({
      kind: "container",
      origin: "live",
      id,
      name,
      state: "running",
      labels: {},
      envNames: [],
      ...extra,
    }) as ContainerFacts;
  const log = (...execs: [string, { privileged?: boolean; user?: string; command?: string }][]): ExecAuditLog => ({
    execs: execs.map(([c, e]) => ({
      container: c,
      engineOptions: [],
      event: {
        privileged: e.privileged ?? false,
        ...(e.user ? { user: e.user } : {}),
        at: "2026-11-28T10:00:00.000Z",
        command: e.command ?? "id",
      },
    })),
    since: "2026-11-01T00:00:00.000Z",
    records: 10,
  });
  const web = container("a1b2c3d4e5f6", "web", { user: "10001:10001" });
  const db = container("a1ffffffffff", "db", { imageConfig: { user: "postgres" } });
  const bare = container("0123456789ab", "bare");

  test("by name (with or without the slash), full id, or a unique id prefix; an ambiguous prefix names none", () => {
    const { containers: out, unplaced } = withLoggedExecs(
      [web, db, bare],
      log(
        ["web", { command: "a" }],
        ["/db", { command: "b" }],
        ["0123", { command: "c" }],
        ["a1", { command: "ambiguous" }],
        ["gone", { command: "d" }],
      ),
    );
    expect(out.map((c) => c.execAuditEvents!.map((e) => e.command))).toEqual([["a"], ["b"], ["c"]]);
    // runs into no container: for the audit's note
    expect(unplaced.map((x) => x.event.command)).toEqual(["ambiguous", "d"]);
  });

  test("a run without --user is listed as the user it ran as: the container's, else the image's, else root", () => {
    const out = withLoggedExecs(
      [web, db, bare],
      log(["web", {}], ["db", {}], ["bare", {}], ["bare", { user: "nobody" }]),
    ).containers;
    expect(out.map((c) => c.execAuditEvents!.map((e) => e.user))).toEqual([
      ["10001:10001"],
      ["postgres"],
      ["root", "nobody"],
    ]);
  });

  test("coverage is the audit log from its first record; the engine's sessions the log does not show are kept", () => {
    const withSessions = {
      ...web,
      execAuditCoverage: "engine-sessions" as const,
      execAuditEvents: [
        { privileged: false, user: "root", command: "id" },
        { privileged: true, user: "10001:10001", command: "sh (created, not started)" },
      ],
    };
    const [out] = withLoggedExecs([withSessions], log(["web", { user: "root", command: "id" }])).containers;
    expect(out).toMatchObject({ execAuditCoverage: "audit-log", execAuditSince: "2026-11-01T00:00:00.000Z" });
    expect(out!.execAuditEvents!.map((e) => [e.command, e.privileged, e.at])).toEqual([
      ["id", false, "2026-11-28T10:00:00.000Z"], // the logged run; the same open session is not listed twice
      ["sh (created, not started)", true, undefined], // made through the API: not in the log
    ]);
  });

  test("5.23 and 5.24 judge it: a pass says what the log covered; a privileged run fails", () => {
    const ctx = { settings: DEFAULT_SETTINGS, now: new Date("2026-11-28T12:00:00Z") };
    const [clean, privileged] = withLoggedExecs(
      [bare, web],
      log(["web", { privileged: true, command: "sh" }]),
    ).containers;
    expect(noPrivilegedExec.check(clean!, ctx)).toEqual({
      status: "pass",
      detail: expect.stringMatching(
        /^no privileged exec in the host's audit log since 2026-11-01T00:00:00.000Z .*API from elsewhere is not in it/,
      ),
    });
    expect(noPrivilegedExec.check(privileged!, ctx)).toMatchObject({
      status: "fail",
      field: "execAuditEvents[0].privileged",
      detail: "privileged `sh` as 10001:10001 at 2026-11-28T10:00:00.000Z",
    });
    expect(noRootExec.check(clean!, ctx)).toEqual({
      status: "manual",
      guidance: expect.stringMatching(/^No exec as root in the host's audit log since 2026-11-01/),
      report: [],
    });
  });
});

/**
 * Compose's exec. The fixture is a second real auditd log (auditd 3.0.9, RAW) written on this
 * project's test machine while auditd watched both docker CLIs and a `docker-compose` script
 * (`#!/bin/sh`, so the kernel records its interpreter's argv, as for docker-compose 1.x, a Python
 * script). Compose itself is not installed there (Debian bookworm has no Compose v2); the runs
 * are recorded whatever their outcome:
 *
 *   (cwd /tmp/hd-fixture/shop)    docker compose exec --privileged web sh
 *   (cwd /tmp/hd-fixture/shop)    docker compose -p Billing_2 exec -T --user root worker id
 *   (cwd /tmp/hd-fixture/shop)    docker --context default compose -f /srv/apps/blog/compose.yaml \
 *                                   exec -u 0 --index 2 app true
 *   (cwd /tmp/hd-fixture/shop)    docker compose --project-directory ../ops exec -Tu root cron ls
 *   (cwd "/tmp/hd-fixture/My Shop") /tmp/hd-fixture/bin/docker-compose exec --privileged db psql -c "select 1"
 *   (cwd /tmp/hd-fixture/shop)    docker compose ps;  docker compose run --rm web sh      (not exec runs)
 */
describe("Compose's exec in a real auditd log", () => {
  const log = parseExecAuditLog(readFileSync(join(__dirname, "fixtures/auditd-compose-exec.log"), "utf8"));

  test(
    "each run names its service and what the command line tells of the project: " +
      "-p (normalised as Compose does), else the directory",
    () => {
      expect(log.execs.map((x) => [x.compose, x.event.privileged, x.event.user, x.event.command])).toEqual([
        // the working directory, from the CWD record
        [{ service: "web", projectDirectory: "/tmp/hd-fixture/shop" }, true, undefined, "sh"],
        [{ service: "worker", project: "billing_2" }, false, "root", "id"],
        // the first -f file's directory
        [{ service: "app", index: 2, projectDirectory: "/srv/apps/blog" }, false, "0", "true"],
        // --project-directory, relative to the working directory
        [{ service: "cron", projectDirectory: "/tmp/hd-fixture/ops" }, false, "root", "ls"],
        // a script's run (interpreter argv); a hex-encoded CWD
        [{ service: "db", projectDirectory: "/tmp/hd-fixture/My Shop" }, true, undefined, "psql -c select 1"],
      ]);
      expect(log.execs.every((x) => x.container === undefined)).toBe(true);
      expect(log.execs[2]!.engineOptions).toEqual(["--context default"]);
    },
  );
});

describe("dockerExecFromArgv reads Compose's exec as Compose does", () => {
  const compose = (...argv: string[]) => dockerExecFromArgv(["docker", "compose", ...argv], "/home/ops/shop");
  test.each([
    [["exec", "web", "sh"], { service: "web", projectDirectory: "/home/ops/shop" }, { command: ["sh"] }],
    [["-p", "shop", "exec", "web"], { service: "web", project: "shop" }, {}],
    [["-pShop", "exec", "web"], { service: "web", project: "shop" }, {}],
    [["--project-name=-My.App_1", "exec", "web"], { service: "web", project: "myapp_1" }, {}],
    [
      ["-f", "deploy/compose.yaml", "-f", "/elsewhere/override.yaml", "exec", "web"],
      { service: "web", projectDirectory: "/home/ops/shop/deploy" },
      {},
    ],
    // the file from stdin: the working directory
    [["-f", "-", "exec", "web"], { service: "web", projectDirectory: "/home/ops/shop" }, {}],
    [
      ["--project-directory", "/srv/x/", "-f", "a/b.yml", "exec", "web"],
      { service: "web", projectDirectory: "/srv/x" },
      {},
    ],
    [
      ["--profile", "debug", "--env-file", ".env", "--ansi", "never", "--dry-run", "exec", "web"],
      { service: "web", projectDirectory: "/home/ops/shop" },
      {},
    ],
    [["exec", "--index", "3", "web"], { service: "web", index: 3, projectDirectory: "/home/ops/shop" }, {}],
    [
      ["exec", "--index=2", "-Tu", "root", "web", "id"],
      { service: "web", index: 2, projectDirectory: "/home/ops/shop" },
      { user: "root", command: ["id"] },
    ],
    [
      ["exec", "-e", "-u", "--privileged", "web"],
      { service: "web", projectDirectory: "/home/ops/shop" },
      { privileged: true },
    ], // -u is -e's value
    [
      ["exec", "-d", "-w", "/app", "web", "--privileged"],
      { service: "web", projectDirectory: "/home/ops/shop" },
      { command: ["--privileged"] },
    ],
  ])("docker compose %j", (argv, target, rest) =>
    expect(compose(...argv)).toEqual({ compose: target, privileged: false, command: [], engineOptions: [], ...rest }),
  );

  test("the standalone program, also run by its interpreter (a shebang script) or through env", () => {
    const expected = {
      compose: { service: "db", project: "p" },
      privileged: true,
      command: ["sh"],
      engineOptions: ["-H tcp://10.0.0.5:2376"],
    };
    expect(
      dockerExecFromArgv([
        "docker-compose",
        "-H",
        "tcp://10.0.0.5:2376",
        "-p",
        "p",
        "exec",
        "--privileged",
        "db",
        "sh",
      ]),
    ).toEqual(expected);
    expect(
      dockerExecFromArgv([
        "/usr/bin/python3",
        "/usr/bin/docker-compose",
        "-H",
        "tcp://10.0.0.5:2376",
        "-p",
        "p",
        "exec",
        "--privileged",
        "db",
        "sh",
      ]),
    ).toEqual(expected);
    expect(
      dockerExecFromArgv([
        "/usr/bin/python3",
        "-s",
        "/usr/bin/docker-compose",
        "-H",
        "tcp://10.0.0.5:2376",
        "-p",
        "p",
        "exec",
        "--privileged",
        "db",
        "sh",
      ]),
    ).toEqual(expected);
    expect(
      dockerExecFromArgv([
        "/usr/bin/env",
        "python3",
        "/usr/local/bin/docker-compose",
        "-H",
        "tcp://10.0.0.5:2376",
        "-p",
        "p",
        "exec",
        "--privileged",
        "db",
        "sh",
      ]),
    ).toEqual(expected);
  });

  test("a relative project directory without the working directory leaves the project untold", () => {
    expect(dockerExecFromArgv(["docker", "compose", "exec", "web"])).toEqual({
      compose: { service: "web" },
      privileged: false,
      command: [],
      engineOptions: [],
    });
  });

  test.each([
    [["docker", "compose", "ps"]],
    [["docker", "compose", "run", "--privileged", "web"]],
    [["docker", "compose", "exec"]],
    [["docker", "compose", "-p", "x", "exec", "-u", "root"]],
    // The plugin as the docker CLI runs it: that run is the docker CLI's own record.
    [["/usr/libexec/docker/cli-plugins/docker-compose", "compose", "exec", "web"]],
    // env's own run names the program by PATH, not the path executed: the program's run is the record.
    [["/usr/bin/env", "docker-compose", "exec", "web"]],
    [["/usr/bin/python3", "-c", "docker-compose exec web"]],
  ])("not a Compose exec run: %j", (argv) => expect(dockerExecFromArgv(argv, "/home/ops")).toBeUndefined());
});

describe("withLoggedExecs finds a Compose service's container as Compose does", () => {
  const composed = (
    id: string,
    project: string,
    service: string,
    number: number,
    extra: Partial<ContainerFacts> = {},
  ): ContainerFacts =>
    ({
      kind: "container",
      origin: "live",
      id,
      name: `/${project}-${service}-${number}`,
      state: "running",
      envNames: [],
      labels: {
        "com.docker.compose.project": project,
        "com.docker.compose.service": service,
        "com.docker.compose.container-number": String(number),
        "com.docker.compose.oneoff": "False",
      },
      ...extra,
    }) as ContainerFacts;
  const shopWeb1 = composed("aa01", "shop", "web", 1);
  const shopWeb2 = composed("aa02", "shop", "web", 2);
  const blogWeb1 = composed("bb01", "blog", "web", 1, { user: "www-data" });
  const oneOff = {
    ...composed("cc01", "shop", "web", 1),
    labels: { ...shopWeb1.labels, "com.docker.compose.oneoff": "True" },
  };
  const plain = { ...composed("dd01", "x", "web", 1), labels: {} };
  const all = [shopWeb1, shopWeb2, blogWeb1, oneOff, plain];
  const run = (target: ComposeExecTarget, event: Partial<ExecAuditEvent> = {}): ExecAuditLog => ({
    execs: [
      {
        compose: target,
        engineOptions: [],
        event: { privileged: false, at: "2026-11-28T10:00:00.000Z", command: "sh", ...event },
      },
    ],
    since: "2026-11-01T00:00:00.000Z",
    records: 3,
  });
  const hits = (log: ExecAuditLog) =>
    withLoggedExecs(all, log)
      .containers.map((c) => [c.id, c.execAuditEvents!.map((e) => e.via)] as const)
      .filter(([, v]) => v.length);

  test(
    "-p names the project; --index the container, else the lowest-numbered; " +
      "never a one-off (`compose run`) container",
    () => {
      expect(hits(run({ service: "web", project: "shop" }))).toEqual([["aa01", ['compose exec web (project "shop")']]]);
      expect(hits(run({ service: "web", project: "shop", index: 2 }))).toEqual([
        ["aa02", ['compose exec web --index 2 (project "shop")']],
      ]);
      expect(hits(run({ service: "web", project: "shop", index: 7 }))).toEqual([]);
      expect(hits(run({ service: "web", project: "other" }))).toEqual([]);
    },
  );

  test("without -p, the project named after the directory", () => {
    expect(hits(run({ service: "web", projectDirectory: "/srv/Blog" }))).toEqual([
      ["bb01", ['compose exec web (project "blog", named after /srv/Blog)']],
    ]);
  });

  test("a project the log does not tell: the run went into one of the service's containers, so each lists it", () => {
    const out = hits(run({ service: "web", projectDirectory: "/home/ops/elsewhere" }, { privileged: true }));
    const via =
      "compose exec web (project not told by the log: no project named after /home/ops/elsewhere has this service; " +
      "ran in one of 2 containers: shop-web-1, blog-web-1)";
    expect(out).toEqual([
      ["aa01", [via]],
      ["bb01", [via]],
    ]);
    expect(hits(run({ service: "web" }))[0]![1]![0]).toMatch(
      /project not told by the log: no project directory recorded/,
    );
  });

  test(
    "a run without --user is the container's user, as for docker exec; " +
      "5.23 fails saying how the container was found",
    () => {
      const [, , blog] = withLoggedExecs(
        all,
        run({ service: "web", project: "blog" }, { privileged: true }),
      ).containers;
      expect(blog!.execAuditEvents).toEqual([expect.objectContaining({ user: "www-data", privileged: true })]);
      const verdict = noPrivilegedExec.check(blog!, {
        settings: DEFAULT_SETTINGS,
        now: new Date("2026-11-28T12:00:00Z"),
      });
      expect(verdict).toMatchObject({
        status: "fail",
        detail: 'privileged `sh` as www-data at 2026-11-28T10:00:00.000Z by compose exec web (project "blog")',
      });
    },
  );
});
