#!/usr/bin/env node
/**
 * `npm start [-- ARGS]`: the README's main job in one command on a fresh clone.
 *
 *   1. installs the locked packages (`npm ci`) when node_modules is missing or older than package-lock.json;
 *   2. builds (`npm run build`) when dist is missing or older than anything it is built from;
 *   3. runs `hardened-docker check examples/web-stack ARGS` (ARGS as given: `npm start -- -f json`),
 *      or `hardened-docker ARGS` when ARGS start with a subcommand (`npm start -- check examples/insecure`).
 *
 * Plain JavaScript with no dependency: it runs before anything is installed. What the steps print
 * goes to stderr, so stdout carries the report alone (`npm start --silent -- -f json > report.json`).
 * Exits with the command's exit code (0 compliant, 1 mandatory violations, 2 usage error).
 */
"use strict";
const { spawnSync } = require("child_process");
const { existsSync, readdirSync, statSync } = require("fs");
const path = require("path");

const SUBCOMMANDS = new Set(["check", "audit", "rules", "help", "--help", "-h", "--version", "-V"]);
const DEFAULT = ["check", "examples/web-stack"];

/** Newest modification time under `p` (a file or a directory, node_modules and dist left out). */
function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p))
    if (e !== "node_modules" && e !== "dist") max = Math.max(max, newest(path.join(p, e)));
  return max;
}

/** What `npm start` has to do in `root` before running the CLI. */
function plan(root) {
  const modules = path.join(root, "node_modules");
  // npm writes node_modules/.package-lock.json on every install: older than the lock file means out of date.
  const installed = path.join(modules, ".package-lock.json");
  const install =
    !existsSync(modules) || (existsSync(installed) && newest(path.join(root, "package-lock.json")) > newest(installed));
  const main = path.join(root, "dist", "cli", "main.js");
  const sources = Math.max(
    ...["src", "package.json", "tsconfig.json", "tsconfig.build.json"].map((p) => newest(path.join(root, p))),
  );
  const build = install || !existsSync(main) || sources > statSync(main).mtimeMs;
  return { install, build, main };
}

/** The CLI's arguments for `npm start -- ARGS`. */
function cliArgs(args) {
  return args.length > 0 && SUBCOMMANDS.has(args[0]) ? args : [...DEFAULT, ...args];
}

function step(what, command, args, root) {
  process.stderr.write(`npm start: ${what}\n`);
  // The step's output goes to stderr: stdout is the report's.
  const r = spawnSync(command, args, { cwd: root, stdio: ["ignore", 2, 2] });
  if (r.error || r.status !== 0) {
    process.stderr.write(`npm start: ${what} failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}\n`);
    process.exit(2);
  }
}

function main(root, args) {
  const todo = plan(root);
  if (todo.install) step("installing the locked packages (npm ci)", "npm", ["ci", "--no-audit", "--no-fund"], root);
  if (todo.build) step("building dist (npm run build)", "npm", ["run", "--silent", "build"], root);
  const r = spawnSync(process.execPath, [todo.main, ...cliArgs(args)], { cwd: root, stdio: "inherit" });
  if (r.error) throw r.error;
  process.exitCode = r.status ?? 2;
}

module.exports = { plan, cliArgs };

if (require.main === module) main(path.resolve(__dirname, ".."), process.argv.slice(2));
