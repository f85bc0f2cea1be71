/**
 * SecureDaemon's host scripts, run for real (bash and dash) against a fake host: a directory
 * tree, and stand-ins for `docker` (answers while the fake engine is "up") and `systemctl`
 * (restarts the fake engine, which refuses to start on a configuration containing BREAK, never
 * answers on one containing HANG, and whose start never returns on one containing BLOCK; `stop`
 * also ends the process named in the fake pid file). The real-engine behaviour is in
 * test/integration/secure-daemon.test.ts; this file covers every branch of the scripts quickly.
 * Needs root (the scripts chown to root), as the project's tests do.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planSecureDaemon, type SecureDaemonArgs } from "../../../src/components/secure-daemon";
import { evaluate } from "../../../src/rules/evaluate";
import { SECTION_3 } from "../../../src/rules/section3";
import { DEFAULT_SETTINGS } from "../../../src/rules/types";
import { configSha256, renderDaemonApplyScript, type DaemonApplyOptions } from "../../../src/scripts/daemon-apply";
import { renderDaemonPermissionsScript } from "../../../src/scripts/daemon-permissions";
import { encodeTlsStdin, renderTlsStageScript } from "../../../src/scripts/daemon-tls";
import { hostFactsOf, hostTree, layOutBadTree, runScript, statFile, type HostTree } from "../../harness/daemon-host";
import { NOW } from "../../harness/fixtures";
import { shellcheck } from "../../harness/shellcheck";

const HAS_DOCKER_GROUP = spawnSync("getent", ["group", "docker"]).status === 0;
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHy0sNXTPuKG7GmrOqjAuYexzDk+VfYMmvMAcPcjJ5z2";
const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nU0VSVkVS\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nVE9QLVNFQ1JFVC1LRVk=\n-----END PRIVATE KEY-----\n";

// What the docker CLI says when no engine answers ($DOCKER_HOST expanded by the fake's shell).
const NO_ENGINE = "Cannot connect to the Docker daemon at $DOCKER_HOST. Is the docker daemon running?";
const FAKE_DOCKER = `#!/bin/sh
# fake docker: the engine answers while $FAKE/up exists
[ -f "$FAKE/up" ] || { echo "${NO_ENGINE}" >&2; exit 1; }
echo "$DOCKER_HOST" >>"$FAKE/docker-hosts"
case "$*" in
  *LiveRestoreEnabled*) cat "$FAKE/live-restore" 2>/dev/null || echo false ;;
  *enable_icc*) cat "$FAKE/bridge-icc" 2>/dev/null || echo false ;;
  *.Containers*) echo "bridged web " ;;
  *) echo 20.10.24 ;;
esac
`;
const FAKE_SYSTEMCTL = `#!/bin/sh
# fake systemctl: (re)starts the fake engine with $FAKE_CONFIG
echo "$*" >>"$FAKE/calls"
lr=false
grep -q '"live-restore": true' "$FAKE_CONFIG" 2>/dev/null && lr=true
start() {
  if grep -q BREAK "$FAKE_CONFIG" 2>/dev/null; then
    echo "unable to configure the Docker daemon with file $FAKE_CONFIG: BREAK is not allowed" >>"$FAKE/dockerd.log"
    exit 1
  fi
  grep -q BLOCK "$FAKE_CONFIG" 2>/dev/null && exec sleep 3600 # a start job that never finishes
  echo "$lr" >"$FAKE/live-restore"
  echo "API listen on $FAKE/docker.sock" >>"$FAKE/dockerd.log"
  grep -q HANG "$FAKE_CONFIG" 2>/dev/null || touch "$FAKE/up"
}
case "$1" in
  restart) rm -f "$FAKE/up"; start ;;
  start) [ -f "$FAKE/up" ] || start ;;
  stop)
    rm -f "$FAKE/up"
    if [ -f "$FAKE/docker.pid" ]; then kill "$(cat "$FAKE/docker.pid")" 2>/dev/null; rm -f "$FAKE/docker.pid"; fi
    ;;
  reload) echo "$lr" >"$FAKE/live-restore" ;;
esac
`;

interface Fake {
  dir: string;
  tree: HostTree;
  env: Record<string, string>;
  calls(): string[];
  up(liveRestore?: boolean): void;
}

function makeFake(): Fake {
  const dir = mkdtempSync(join(tmpdir(), "hd-fake-"));
  const tree = hostTree(join(dir, "root"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin/docker"), FAKE_DOCKER);
  writeFileSync(join(dir, "bin/systemctl"), FAKE_SYSTEMCTL);
  chmodSync(join(dir, "bin/docker"), 0o755);
  chmodSync(join(dir, "bin/systemctl"), 0o755);
  return {
    dir,
    tree,
    env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, FAKE: dir, FAKE_CONFIG: tree.configFile },
    calls: () => (existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").trim().split("\n") : []),
    up: (liveRestore = false) => {
      writeFileSync(join(dir, "up"), "");
      writeFileSync(join(dir, "live-restore"), String(liveRestore));
    },
  };
}

let fake: Fake;
beforeEach(() => {
  fake = makeFake();
});
afterEach(() => rmSync(fake.dir, { recursive: true, force: true }));

function args(over: Partial<SecureDaemonArgs> = {}): SecureDaemonArgs {
  const t = fake.tree;
  return {
    connection: { host: "10.0.0.5", privateKey: "k", hostKey: HOST_KEY },
    authorizationPlugins: ["authz-broker"],
    restartTimeoutSeconds: 2,
    paths: {
      configFile: t.configFile,
      etcDocker: t.etcDocker,
      tlsDir: t.tlsDir,
      dockerSocket: join(fake.dir, "docker.sock"),
      containerdSocket: t.containerdSocket,
      pidFile: join(fake.dir, "docker.pid"),
      unitFiles: t.unitFiles,
      environmentFiles: t.environmentFiles,
      engineLog: join(fake.dir, "dockerd.log"),
      stateDir: join(fake.dir, "state"),
    },
    ...over,
  };
}
const plan = (over: Partial<SecureDaemonArgs> = {}) => planSecureDaemon("d", args(over), { now: NOW });
const leftovers = () => readdirSync(fake.tree.etcDocker).filter((f) => f !== "daemon.json" && f !== "tls");
const journalFile = () => join(fake.dir, "state", "daemon-apply.state");
const phase = () => /^phase=(.*)$/m.exec(readFileSync(journalFile(), "utf8"))?.[1];
/** The journal an apply leaves when it is killed (key=value lines, as the script writes them). */
function writeJournal(fields: Record<string, string>): void {
  mkdirSync(join(fake.dir, "state"), { recursive: true });
  const all = {
    version: "1",
    config: fake.tree.configFile,
    had_config: "yes",
    installed: "yes",
    tls_new: "",
    tls_absent: "",
    was_running: "yes",
    pid: "",
    ...fields,
  };
  writeFileSync(
    journalFile(),
    Object.entries(all)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
  );
}
/** The host lock of scripts rendered here without a state directory: in the fake host, not the machine's. */
const testLock = () => join(fake.dir, "state", "host.lock");
const resetCalls = () => rmSync(join(fake.dir, "calls"), { force: true });

describe.each(["bash", "dash"] as const)("apply script under %s", (shell) => {
  const apply = (over: Partial<SecureDaemonArgs> = {}) =>
    runScript(plan(over).rendered.applyScript, { env: fake.env, shell });

  it("writes daemon.json (root:root 0644) on a fresh host, restarts once and waits on the configured socket", () => {
    const p = plan();
    const r = runScript(p.rendered.applyScript, { env: fake.env, shell });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(fake.tree.configFile, "utf8")).toBe(p.rendered.configText);
    expect(statFile(fake.tree.configFile)).toMatchObject({ owner: "root", group: "root", mode: 0o644 });
    expect(statFile(fake.tree.etcDocker)).toMatchObject({ owner: "root", group: "root", mode: 0o755 });
    expect(fake.calls()).toEqual(["restart docker"]);
    expect(readFileSync(join(fake.dir, "docker-hosts"), "utf8")).toContain(`unix://${join(fake.dir, "docker.sock")}`);
    expect(r.stdout).toContain(`applied: ${fake.tree.configFile} sha256=${p.rendered.configHash}`);
    expect(leftovers()).toEqual([]);
  });

  it("changes nothing the second time: no restart, same file", () => {
    expect(apply().status).toBe(0);
    const before = readFileSync(fake.tree.configFile, "utf8");
    const r = apply();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("unchanged");
    expect(fake.calls()).toEqual(["restart docker"]);
    expect(readFileSync(fake.tree.configFile, "utf8")).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it("restores the previous configuration when dockerd refuses the new one, and fails with the engine's error", () => {
    expect(apply().status).toBe(0);
    const good = readFileSync(fake.tree.configFile, "utf8");
    const r = apply({ labels: { test: "BREAK" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("restoring the previous one");
    expect(r.stderr).toContain("BREAK is not allowed"); // the engine's own words
    expect(r.stderr).toContain("the engine answers again");
    expect(readFileSync(fake.tree.configFile, "utf8")).toBe(good);
    // Rollback: stop (it would replace a start job that hangs), restore, start.
    expect(fake.calls()).toEqual(["restart docker", "restart docker", "stop docker", "start docker"]);
    expect(existsSync(join(fake.dir, "up"))).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it("rolls back when the engine never answers after a restart that returned success", () => {
    expect(apply().status).toBe(0);
    const good = readFileSync(fake.tree.configFile, "utf8");
    const r = apply({ labels: { test: "HANG" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Cannot connect to the Docker daemon");
    expect(readFileSync(fake.tree.configFile, "utf8")).toBe(good);
  });

  it("removes a configuration that had no predecessor when dockerd refuses it", () => {
    const r = apply({ labels: { test: "BREAK" } });
    expect(r.status).toBe(1);
    expect(existsSync(fake.tree.configFile)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("exits 2 when the previous configuration fails as well", () => {
    mkdirSync(fake.tree.etcDocker, { recursive: true });
    writeFileSync(fake.tree.configFile, '{"labels": ["old=BREAK"]}\n');
    fake.up(); // running before, so the rollback must bring it back
    const r = apply({ labels: { test: "BREAK" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("did not bring dockerd back either");
    expect(r.stderr).toMatch(
      new RegExp(
        /HOST NEEDS ATTENTION: .* has sha256=[0-9a-f]{64} \(not the new configuration\); dockerd is stopped; /.source +
          /the journal .*daemon-apply.state says: rolling-back\./.source,
      ),
    );
    expect(r.stderr).toContain("then recover with: systemctl restart docker");
  });

  it("switches live-restore on in the running daemon (reload) before restarting it", () => {
    fake.up(false);
    const r = apply();
    expect(r.status).toBe(0);
    expect(fake.calls()).toEqual(["reload docker", "restart docker"]);
  });

  it("warns, naming the containers, while live-restore keeps icc on for the default bridge", () => {
    writeFileSync(join(fake.dir, "bridge-icc"), "true\n");
    const r = apply();
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: icc is off in daemon.json, but the default bridge still lets containers talk to each other",
    );
    expect(r.stderr).toContain("(on docker0: bridged web )");
    expect(apply().stderr).toContain("WARNING: icc is off"); // again while it lasts, even when nothing changed
    const exempted = apply({ icc: true, exemptions: [{ rule: "2.2", reason: "legacy containers talk over docker0" }] });
    expect(exempted.status).toBe(0);
    expect(exempted.stderr).toBe("");
  });

  it("refuses default ulimits above dockerd's own hard limit before changing anything", () => {
    writeFileSync(join(fake.dir, "docker.pid"), String(process.pid)); // a live process stands for dockerd
    const r = apply({ defaultUlimits: { nofile: { soft: 1024, hard: 2 ** 31 } } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /default-ulimits\.nofile: hard limit 2147483648 is above dockerd's own hard limit \d+ .*Nothing was changed/,
    );
    expect(existsSync(fake.tree.configFile)).toBe(false);
    expect(fake.calls()).toEqual([]);
  });

  it("commits staged TLS material with the configuration, and restores the old files on failure", () => {
    const tls = { listen: "127.0.0.1:2376", caCert: CA, cert: CERT, key: KEY };
    const stage = (key: string) =>
      runScript(renderTlsStageScript(fake.tree.tlsDir, { lockFile: testLock() }), {
        stdin: encodeTlsStdin({ caCert: CA, cert: CERT, key }),
        shell,
      });
    expect(stage(KEY).status).toBe(0);
    expect(apply({ tls }).status).toBe(0);
    expect(readFileSync(join(fake.tree.tlsDir, "server-key.pem"), "utf8")).toBe(KEY);
    expect(statFile(join(fake.tree.tlsDir, "server-key.pem"))).toMatchObject({
      owner: "root",
      group: "root",
      mode: 0o400,
    });
    expect(readdirSync(fake.tree.tlsDir).sort()).toEqual(["ca.pem", "server-cert.pem", "server-key.pem"]);

    // Same material again: nothing to restart.
    expect(stage(KEY).status).toBe(0);
    expect(apply({ tls }).stdout).toContain("unchanged");
    expect(fake.calls()).toEqual(["restart docker"]);

    // New key only: a restart; then a new key with a configuration dockerd refuses: both roll back.
    const KEY2 = KEY.replace("VE9Q", "TkVX");
    expect(stage(KEY2).status).toBe(0);
    const r = apply({ tls });
    expect(r.stdout).toContain("TLS material: server-key.pem");
    expect(r.status).toBe(0);
    const KEY3 = KEY.replace("VE9Q", "QkFE");
    expect(stage(KEY3).status).toBe(0);
    expect(apply({ tls, labels: { test: "BREAK" } }).status).toBe(1);
    expect(readFileSync(join(fake.tree.tlsDir, "server-key.pem"), "utf8")).toBe(KEY2);
    expect(readdirSync(fake.tree.tlsDir).sort()).toEqual(["ca.pem", "server-cert.pem", "server-key.pem"]);
  });

  it("records each phase in the journal and ends at done", () => {
    const p = plan();
    expect(apply().status).toBe(0);
    const journal = readFileSync(journalFile(), "utf8");
    expect(journal).toContain(`config=${fake.tree.configFile}\n`);
    expect(journal).toContain(`sha256=${p.rendered.configHash}\n`);
    expect(phase()).toBe("done");
  });

  it(
    "completes an interrupted apply of the same configuration (from restarting on): " +
      "one restart, applied, backups dropped",
    () => {
      expect(apply().status).toBe(0);
      const good = readFileSync(fake.tree.configFile, "utf8");
      const p = plan({ labels: { v: "2" } });
      // Killed after the rename into place, before the restart.
      writeFileSync(fake.tree.configFile, p.rendered.configText);
      writeFileSync(`${fake.tree.configFile}.hd-previous`, good);
      writeJournal({ phase: "restarting", sha256: p.rendered.configHash });
      resetCalls();
      const r = runScript(p.rendered.applyScript, { env: fake.env, shell });
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('an earlier run of this apply stopped at step "restarting"');
      expect(r.stdout).toContain(
        `applied: ${fake.tree.configFile} sha256=${p.rendered.configHash}; ` +
          "dockerd restarted (completing the apply an earlier run began)",
      );
      expect(fake.calls()).toEqual(["restart docker"]);
      expect(phase()).toBe("done");
      expect(leftovers()).toEqual([]);
    },
  );

  it(
    "rolls back an interrupted apply of another configuration first (stop, restore, start), " + "then applies its own",
    () => {
      expect(apply().status).toBe(0);
      const good = readFileSync(fake.tree.configFile, "utf8");
      const other = plan({ labels: { v: "other" } });
      writeFileSync(fake.tree.configFile, other.rendered.configText);
      writeFileSync(`${fake.tree.configFile}.hd-previous`, good);
      writeJournal({ phase: "restarting", sha256: other.rendered.configHash });
      resetCalls();
      const p = plan({ labels: { v: "3" } });
      const r = runScript(p.rendered.applyScript, { env: fake.env, shell });
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`an earlier apply (sha256=${other.rendered.configHash}) stopped at step "restarting"`);
      expect(r.stderr).toContain("rolled back the interrupted apply");
      expect(fake.calls()).toEqual(["stop docker", "start docker", "restart docker"]);
      expect(readFileSync(fake.tree.configFile, "utf8")).toBe(p.rendered.configText);
      expect(phase()).toBe("done");
      expect(leftovers()).toEqual([]);
    },
  );

  it("rolls back an interrupted apply that had not put its file in place without touching the engine", () => {
    expect(apply().status).toBe(0);
    const good = readFileSync(fake.tree.configFile, "utf8");
    const other = plan({ labels: { v: "other" } });
    writeFileSync(`${fake.tree.configFile}.hd-previous`, good.slice(0, 10)); // a copy cut short
    writeJournal({ phase: "staged", installed: "no", sha256: other.rendered.configHash });
    resetCalls();
    const p = plan({ labels: { v: "3" } });
    const r = runScript(p.rendered.applyScript, { env: fake.env, shell });
    expect(r.status).toBe(0);
    expect(fake.calls()).toEqual(["restart docker"]); // this run's own restart only
    expect(readFileSync(fake.tree.configFile, "utf8")).toBe(p.rendered.configText);
    expect(leftovers()).toEqual([]);
  });

  it("finishes an apply that was verified before it was interrupted, without a second restart", () => {
    expect(apply().status).toBe(0);
    const good = readFileSync(fake.tree.configFile, "utf8");
    const p = plan({ labels: { v: "2" } });
    expect(runScript(p.rendered.applyScript, { env: fake.env, shell }).status).toBe(0);
    writeFileSync(`${fake.tree.configFile}.hd-previous`, good);
    writeJournal({ phase: "verified", sha256: p.rendered.configHash });
    resetCalls();
    const r = runScript(p.rendered.applyScript, { env: fake.env, shell });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("dockerd restarted by an earlier run, which was interrupted after verifying it");
    expect(fake.calls()).toEqual([]);
    expect(phase()).toBe("done");
    expect(leftovers()).toEqual([]);
  });

  it("refuses a journal holding an unfinished apply of another daemon.json, changing nothing", () => {
    writeJournal({ phase: "restarting", config: "/srv/other/daemon.json", sha256: "0".repeat(64) });
    const r = apply();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("holds an unfinished apply of /srv/other/daemon.json");
    expect(existsSync(fake.tree.configFile)).toBe(false);
    expect(fake.calls()).toEqual([]);
  });

  it("bounds a restart that never returns: stopped, restored, started within the bound, exit 1", () => {
    expect(apply().status).toBe(0);
    const good = readFileSync(fake.tree.configFile, "utf8");
    const t0 = Date.now();
    const r = apply({ labels: { test: "BLOCK" } });
    const ms = Date.now() - t0;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("systemctl restart docker failed or did not finish within 2s");
    expect(ms).toBeLessThan(2 * 2000 + 3000); // restartTimeoutSeconds 2: the restart's bound, then a quick rollback
    expect(fake.calls()).toEqual(["restart docker", "restart docker", "stop docker", "start docker"]);
    expect(readFileSync(fake.tree.configFile, "utf8")).toBe(good);
    expect(existsSync(join(fake.dir, "up"))).toBe(true);
    expect(phase()).toBe("rolled-back");
  });

  it("does not count a restart that left the same dockerd running: rolled back", () => {
    const dockerd = spawn("sleep", ["60"], { stdio: "ignore" }); // stands for dockerd: the fake restart leaves it be
    try {
      writeFileSync(join(fake.dir, "docker.pid"), String(dockerd.pid));
      fake.up();
      const r = apply();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`dockerd is the same process as before (pid ${dockerd.pid}): it was not restarted`);
      expect(r.stderr).toContain("the engine answers again");
      expect(existsSync(fake.tree.configFile)).toBe(false);
    } finally {
      dockerd.kill("SIGKILL");
    }
  });

  it("keeps hostile strings inert: they reach daemon.json verbatim and run nowhere", () => {
    const canary = join(fake.dir, "canary");
    const hostile = [
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `'; touch ${canary}; '`,
      `"; touch ${canary}; "`,
      `\ntouch ${canary}\n`,
      "HD-CONFIG-END",
      `\\$(touch ${canary})`,
    ];
    const over: Partial<SecureDaemonArgs> = {
      logOpts: Object.fromEntries(hostile.map((h, i) => [`opt${i}`, h])),
      labels: Object.fromEntries(hostile.map((h, i) => [`l${i}`, h])),
      extraConfig: { "x-hostile": hostile },
      exemptions: [{ rule: "2.13", reason: `$(touch ${canary}) \`touch ${canary}\` '; touch ${canary}` }],
      logDriver: "json-file",
    };
    const p = plan(over);
    const r = runScript(p.rendered.applyScript, { env: fake.env, shell });
    expect(r.status).toBe(0);
    expect(existsSync(canary)).toBe(false);
    const written = JSON.parse(readFileSync(fake.tree.configFile, "utf8"));
    expect(Object.values(written["log-opts"])).toEqual(hostile);
    expect(written["x-hostile"]).toEqual(hostile);
    // The script text carries the configuration only as base64.
    for (const h of hostile.filter((h) => h !== "HD-CONFIG-END"))
      expect(p.rendered.applyScript).not.toContain(h.trim());
    // A payload line equal to the heredoc delimiter cannot exist: `-` is not in the base64 alphabet.
    expect(p.rendered.applyScript.split("\n").filter((l) => l === "HD-CONFIG-END")).toHaveLength(1);
  });
});

describe("the host lock", () => {
  const lockFile = () => join(fake.dir, "state", "host.lock");
  /** Holds the lock in another process until released. */
  async function holdLock(): Promise<() => void> {
    mkdirSync(join(fake.dir, "state"), { recursive: true });
    // The lock is held by the sleep itself (exec), so that killing it releases the lock.
    const holder = spawn("sh", ["-c", 'exec 9>>"$1"; flock 9; exec sleep 60', "holder", lockFile()], {
      stdio: "ignore",
    });
    for (let i = 0; i < 100 && spawnSync("flock", ["-n", lockFile(), "true"]).status === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    return () => holder.kill("SIGKILL");
  }
  const options = (): DaemonApplyOptions => ({
    configText: "{}\n",
    configFile: fake.tree.configFile,
    dockerSocket: join(fake.dir, "docker.sock"),
    pidFile: join(fake.dir, "docker.pid"),
    timeoutSeconds: 2,
    liveRestore: false,
    iccOff: false,
    ulimits: [],
    stateFile: join(fake.dir, "state", "daemon-apply.state"),
    lockWaitSeconds: 1,
  });

  it(
    "is taken by the apply, permissions and TLS steps: " +
      "busy, each fails clearly after its wait and changes nothing",
    async () => {
      const release = await holdLock();
      try {
        const t = fake.tree;
        const scripts = [
          runScript(renderDaemonApplyScript(options()), { env: fake.env }),
          runScript(
            renderDaemonPermissionsScript({
              etcDocker: t.etcDocker,
              configFile: t.configFile,
              dockerSocket: t.dockerSocket,
              containerdSocket: t.containerdSocket,
              unitFiles: [],
              environmentFiles: [],
              lockFile: lockFile(),
              lockWaitSeconds: 1,
            }),
          ),
          runScript(renderTlsStageScript(t.tlsDir, { lockFile: lockFile(), lockWaitSeconds: 1 }), {
            stdin: encodeTlsStdin({ caCert: CA, cert: CERT, key: KEY }),
          }),
        ];
        for (const r of scripts) {
          expect(r.status).toBe(1);
          expect(r.stderr).toContain(
            `another hardened-docker command still holds the host lock ${lockFile()} after 1s`,
          );
          expect(r.stderr).toContain("Nothing was changed");
        }
        expect(existsSync(t.configFile)).toBe(false);
        expect(existsSync(t.tlsDir)).toBe(false);
        expect(fake.calls()).toEqual([]);
      } finally {
        release();
      }
      // Released (as a killed holder releases it): the apply goes ahead.
      expect(runScript(renderDaemonApplyScript(options()), { env: fake.env }).status).toBe(0);
    },
  );

  it("is not inherited by what systemctl starts: a dockerd left running never holds it", () => {
    // The fake systemctl's restart starts a long-lived child, as systemd's stand-in starts dockerd.
    writeFileSync(
      join(fake.dir, "bin/systemctl"),
      FAKE_SYSTEMCTL.replace(
        "restart) rm -f",
        'restart) sleep 30 >/dev/null 2>&1 </dev/null & echo $! >"$FAKE/child.pid"; rm -f',
      ),
    );
    const r = runScript(renderDaemonApplyScript(options()), { env: fake.env });
    const child = Number(readFileSync(join(fake.dir, "child.pid"), "utf8"));
    try {
      expect(r.status).toBe(0);
      expect(existsSync(`/proc/${child}`)).toBe(true); // still running after the apply
      expect(spawnSync("flock", ["-n", lockFile(), "true"]).status).toBe(0);
    } finally {
      process.kill(child, "SIGKILL");
    }
  });
});

describe("TLS staging script", () => {
  it("stages the three files root:root with CIS modes and prints no secret", () => {
    const r = runScript(renderTlsStageScript(fake.tree.tlsDir, { lockFile: testLock() }), {
      stdin: encodeTlsStdin({ caCert: CA, cert: CERT, key: KEY }),
    });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toContain("VE9QLVNFQ1JFVC1LRVk");
    expect(r.stdout + r.stderr).not.toContain("TOP-SECRET");
    const staged = (f: string) => statFile(join(fake.tree.tlsDir, `${f}.hd-staged`));
    expect(staged("ca.pem")).toMatchObject({ owner: "root", group: "root", mode: 0o444 });
    expect(staged("server-cert.pem")).toMatchObject({ owner: "root", group: "root", mode: 0o444 });
    expect(staged("server-key.pem")).toMatchObject({ owner: "root", group: "root", mode: 0o400 });
    expect(readFileSync(join(fake.tree.tlsDir, "server-key.pem.hd-staged"), "utf8")).toBe(KEY);
    expect(readdirSync(fake.tree.tlsDir).filter((f) => !f.endsWith(".hd-staged"))).toEqual([]);
  });

  it("fails on missing or malformed material without staging a key", () => {
    const r = runScript(renderTlsStageScript(fake.tree.tlsDir, { lockFile: testLock() }), {
      stdin: Buffer.from(CA).toString("base64") + "\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("server-cert.pem is missing");
    const bad = runScript(renderTlsStageScript(fake.tree.tlsDir, { lockFile: testLock() }), {
      stdin: ["bm90IHBlbQ==", "x", "y"].join("\n") + "\n",
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("ca.pem is not PEM");
    expect(existsSync(join(fake.tree.tlsDir, "server-key.pem.hd-staged"))).toBe(false);
    expect(readdirSync(fake.tree.tlsDir).filter((f) => f.startsWith("."))).toEqual([]); // no temp file left
  });

  it("refuses material that is not PEM before anything reaches a host", () => {
    expect(() => encodeTlsStdin({ caCert: CA, cert: CERT, key: "TOP-SECRET" })).toThrow(
      "tls.key: must be a PEM private key",
    );
    expect(() => encodeTlsStdin({ caCert: CA, cert: CERT, key: "TOP-SECRET" })).not.toThrow(/TOP-SECRET/);
  });
});

describe("permissions script (CIS section 3)", () => {
  it("fixes every owner and mode so that the section 3 rules pass, keeping stricter modes", () => {
    const t = fake.tree;
    layOutBadTree(t, { tls: true, sockets: true });
    const before = evaluate([hostFactsOf(t)], { settings: DEFAULT_SETTINGS, now: NOW }, SECTION_3).filter(
      (f) => f.status === "fail",
    );
    expect(before.map((f) => f.ruleId).sort()).toEqual(
      [
        "3.2",
        "3.3",
        "3.5",
        "3.6",
        "3.8",
        "3.10",
        "3.12",
        "3.14",
        "3.15",
        "3.16",
        "3.17",
        "3.18",
        "3.20",
        "3.24",
      ].sort(),
    );
    const script = renderDaemonPermissionsScript({
      etcDocker: t.etcDocker,
      configFile: t.configFile,
      tlsDir: t.tlsDir,
      dockerSocket: t.dockerSocket,
      containerdSocket: t.containerdSocket,
      unitFiles: t.unitFiles,
      environmentFiles: t.environmentFiles,
      lockFile: testLock(),
    });
    const r = runScript(script, { shell: "dash" });
    expect(r.status).toBe(0);
    const after = evaluate([hostFactsOf(t)], { settings: DEFAULT_SETTINGS, now: NOW }, SECTION_3);
    if (HAS_DOCKER_GROUP) {
      expect(r.stderr).toBe("");
      expect(after.filter((f) => f.status === "fail")).toEqual([]);
      expect(statFile(t.dockerSocket)).toMatchObject({ owner: "root", group: "docker", mode: 0o660 });
    } else {
      // Without a docker group the socket stays root:root (stricter), and the script says so.
      expect(r.stderr).toContain("no docker group on this host");
      expect(after.filter((f) => f.status === "fail").map((f) => f.ruleId)).toEqual(["3.15"]);
    }
    expect(statFile(t.etcDocker)?.mode).toBe(0o755); // setgid and world-write removed
    expect(statFile(t.unitFiles[1])).toMatchObject({ owner: "root", group: "root", mode: 0o600 }); // stricter kept
    expect(statFile(t.registryCerts[1])?.mode).toBe(0o400);
    expect(statFile(join(t.tlsDir, "server-key.pem"))?.mode).toBe(0o400); // exactly 0400
    expect(r.stdout).toContain(`${t.configFile}: root:root 644 (was root:nogroup 666)`);
  });

  it("skips files that do not exist", () => {
    const t = fake.tree;
    const r = runScript(
      renderDaemonPermissionsScript({
        etcDocker: t.etcDocker,
        configFile: t.configFile,
        dockerSocket: t.dockerSocket,
        containerdSocket: t.containerdSocket,
        unitFiles: [],
        environmentFiles: [],
        lockFile: testLock(),
      }),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
  });
});

describe("shellcheck (POSIX sh, warnings and errors)", () => {
  it(
    "passes on the apply script as SecureDaemon renders it, with the test hooks, " +
      "and on the TLS and permissions scripts",
    () => {
      const p = plan({ tls: { listen: "127.0.0.1:2376", caCert: CA, cert: CERT, key: KEY } });
      const hooked = renderDaemonApplyScript({
        configText: p.rendered.configText,
        configFile: fake.tree.configFile,
        dockerSocket: "/run/docker.sock",
        pidFile: "/run/docker.pid",
        timeoutSeconds: 5,
        liveRestore: true,
        iccOff: true,
        ulimits: [{ name: "nofile", hard: 4096 }],
        tlsDir: fake.tree.tlsDir,
        failureInjection: true,
      });
      for (const [what, text] of [
        ["apply", p.rendered.applyScript],
        ["apply with test hooks", hooked],
        ["permissions", p.permissionsScript],
        ["tls", p.tlsScript!],
      ] as const) {
        const r = shellcheck(text);
        if (r.status !== 0) throw new Error(`${what}: shellcheck found:\n${r.stdout}${r.stderr}`);
      }
    },
  );
});

describe("renderers refuse values that would not be inert", () => {
  const base = {
    configText: "{}\n",
    configFile: "/etc/docker/daemon.json",
    dockerSocket: "/var/run/docker.sock",
    pidFile: "/var/run/docker.pid",
    timeoutSeconds: 60,
    liveRestore: true,
    iccOff: true,
    ulimits: [],
  };
  it.each([
    ["configFile", { configFile: "/etc/docker/$(touch /tmp/x)" }, /configFile = .*may only contain/],
    ["relative path", { dockerSocket: "docker.sock" }, /dockerSocket = .*absolute path/],
    ["dot-dot", { pidFile: "/var/run/../../etc/passwd" }, /pidFile = .*"\.\." segments/],
    ["newline", { engineLog: "/var/log/docker\n.log" }, /engineLog = .*may only contain/],
    ["timeout", { timeoutSeconds: 1.5 }, /timeoutSeconds/],
    ["ulimit name", { ulimits: [{ name: "nofile; touch x", hard: 1 }] }, /unknown ulimit name/],
  ])("%s", (_what, over, message) => {
    expect(() => renderDaemonApplyScript({ ...base, ...over } as never)).toThrow(message);
  });

  it("hashes the configuration as the host does", () => {
    expect(configSha256("{}\n")).toBe("ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356");
  });
});
