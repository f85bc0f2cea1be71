/** The note for privileged or root `docker exec` runs whose container the engine no longer has (src/audit/run.ts). */
import { execsIntoNoContainer } from "../../../src/audit/run";
import { withLoggedExecs, type ExecAuditLog, type LoggedDockerExec } from "../../../src/adapters/exec-audit-log";
import type { ContainerFacts } from "../../../src/facts/types";

const here = {
  kind: "container",
  origin: "live",
  id: "a1b2c3d4e5f6",
  name: "/web",
  state: "running",
  labels: {},
  envNames: [],
} as unknown as ContainerFacts;
const run = (
  target: Pick<LoggedDockerExec, "container" | "compose">,
  event: Partial<LoggedDockerExec["event"]>,
  who: { uid?: number; auid?: number } = { uid: 0, auid: 4294967295 },
): LoggedDockerExec => ({
  ...target,
  engineOptions: [],
  event: { privileged: false, at: "2026-11-28T10:00:00.000Z", command: "sh", ...event },
  ...who,
});
const log = (...execs: LoggedDockerExec[]): ExecAuditLog => ({ execs, since: "2026-11-01T00:00:00.000Z", records: 10 });
/** The note as the audit makes it: from the runs withLoggedExecs could not place on the engine's containers. */
const noteFor = (l: ExecAuditLog, containers: ContainerFacts[]) =>
  execsIntoNoContainer(withLoggedExecs(containers, l).unplaced);

test(
  "names each privileged or root run into a container that is gone, " +
    "with who ran it (login uid when set, else uid)",
  () => {
    const note = noteFor(
      log(
        run({ container: "old" }, { privileged: true }, { uid: 0, auid: 1000 }),
        run({ compose: { service: "db", project: "shop" } }, { user: "0" }),
        run({ container: "old" }, { user: "app" }), // neither privileged nor root: not named
        run({ container: "web" }, { privileged: true }), // its container is there: 5.23 judges it
      ),
      [here],
    );
    expect(note).toBe(
      "docker exec runs (5.23, 5.24) into containers the engine no longer has (removed since, " +
        "or on another engine): 2 privileged or as root — old: --privileged `sh` at 2026-11-28T10:00:00.000Z by " +
        "login uid 1000; compose service db (project shop): --user 0 `sh` at 2026-11-28T10:00:00.000Z by uid 0",
    );
  },
);

test("lists five and counts the rest; says nothing when every such run has its container", () => {
  const many = Array.from({ length: 7 }, (_, i) => run({ container: `gone-${i}` }, { privileged: true }));
  expect(noteFor(log(...many), [here])).toMatch(/: 7 privileged or as root — gone-0: .*gone-4: [^;]*; and 2 more$/);
  expect(noteFor(log(run({ container: "web" }, { privileged: true })), [here])).toBeUndefined();
});
