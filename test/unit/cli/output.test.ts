/**
 * What the CLI writes, as a terminal or a pipe receives it: a reader that closes the pipe early
 * (`check -f json | head`) ends nothing in a stack trace; a resource name cannot forge a line of
 * the text report or send escape sequences to the terminal.
 */
import { spawn } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { printable, renderText } from "../../../src/report/findings-text";
import type { ReportFinding } from "../../../src/report/findings";
import { runCli } from "../../../src/cli/main";

const ROOT = path.join(__dirname, "../../..");

/** The CLI as a user runs it, its stdout a pipe whose reader is gone before anything is written. */
function runWithClosedStdout(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "tsx/cjs", path.join(ROOT, "src/cli/main.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy(); // `| head` that has read enough
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe("a reader that closes the pipe early (EPIPE)", () => {
  it("check -f json: no stack trace, no message, the check's own exit code", async () => {
    const secure = await runWithClosedStdout(["check", "examples/secure", "-f", "json"]);
    expect(secure.stderr).toBe("");
    expect([secure.code, secure.signal]).toEqual([0, null]);
    const insecure = await runWithClosedStdout(["check", "examples/insecure", "-f", "json"]);
    expect(insecure.stderr).toBe("");
    expect(insecure.code).toBe(1);
  }, 60_000);

  it("rules: the same", async () => {
    const r = await runWithClosedStdout(["rules", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 30_000);
});

describe("control characters from the program never reach the text report raw", () => {
  it("printable escapes C0, DEL, C1, line separators and bidi overrides; keeps newlines only when asked", () => {
    expect(printable("a\nb\rc\td\u001b[31me\u007f\u0085\u2028\u202eok")).toBe(
      "a\\nb\\rc\\td\\u{001b}[31me\\u{007f}\\u{0085}\\u{2028}\\u{202e}ok",
    );
    expect(printable("line one\nline two\u001b", { keepNewlines: true })).toBe("line one\nline two\\u{001b}");
    expect(printable("redis-0 ✓ é")).toBe("redis-0 ✓ é");
  });

  it("a finding and a plan entry whose names hold a newline stay one line each", () => {
    const forged = "web\n✗ MANDATORY cis-5.5-no-privileged  fake [docker:index/container:Container]";
    const finding: ReportFinding = {
      rule: { id: "cis-5.4-restrict-capabilities", title: "t", severity: "high" },
      subject: { id: "urn:x", name: forged, type: "docker:index/container:Container" },
      status: "fail",
      enforcement: "advisory",
      message: `docker.Container "${forged}": adds NET_ADMIN\n(second line of the message)\u001b]0;title\u0007`,
    };
    const text = renderText([finding], {
      tool: { name: "hardened-docker", version: "0" },
      target: "index.ts",
      errors: ["boom\nERROR forged"],
      plan: [{ type: "docker:index/container:Container", name: forged, depth: 0 }],
    });
    const lines = text.split("\n");
    expect(lines.filter((l) => l.startsWith("✗ ") || l.startsWith("ERROR "))).toEqual([
      "ERROR boom",
      "✗ advisory  cis-5.4-restrict-capabilities  web\\n✗ MANDATORY cis-5.5-no-privileged  fake " +
        "[docker:index/container:Container] [docker:index/container:Container]",
    ]);
    expect(text).toContain("\n  docker:index/container:Container  web\\n✗ MANDATORY");
    // A message's own lines stay, indented under its heading; its escape sequences do not.
    expect(text).toContain('    docker.Container "web\n    ✗ MANDATORY');
    expect(text).toContain("\n    (second line of the message)\\u{001b}]0;title\\u{0007}\n");
    expect(text).toContain("\n  ERROR forged\n");
    // No control character but the newline.
    expect([...text].filter((ch) => ch !== "\n" && (ch < " " || ch === "\u007f"))).toEqual([]);
  });

  it("end to end: a program's resource named with a newline and an escape sequence", async () => {
    const dir = mkdtempSync(path.join(ROOT, "examples", ".tmp-names-"));
    try {
      writeFileSync(path.join(dir, "Pulumi.yaml"), "name: names\nruntime: nodejs\n");
      writeFileSync(
        path.join(dir, "index.ts"),
        'import * as docker from "@pulumi/docker";\nnew docker.Network("net\\n✗ MANDATORY forged\\u001b[2J", ' +
          "{ internal: true });\n",
      );
      let out = "";
      const code = await runCli(["check", path.relative(process.cwd(), dir)], {
        out: (t) => (out += t),
        err: () => undefined,
      });
      expect(code).toBe(0);
      expect(out).not.toMatch(/^✗ MANDATORY forged/m);
      expect(out).toContain("net\\n✗ MANDATORY forged\\u{001b}[2J");
      expect(out).not.toContain("\u001b");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
