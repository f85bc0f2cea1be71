/** What several section 4 (images and build files) rules share. */
import { DOCKERFILE_INSTRUCTIONS } from "../../facts/dockerfile-instructions";
import { isSecretName } from "../../facts/redact";
import type { ImageFacts, ImageRef } from "../../facts/types";
import { defineRule, type CisLevel, type Rule, type Verdict } from "../types";
import { manual } from "./verdicts";

/**
 * The image reference matches an allow-list entry: a registry host (`registry.example.com`)
 * or a registry/repository prefix (`registry.example.com/team`). Prefixes match on path
 * boundaries, so `…/team` does not admit `…/teamster/app`. Hosts compare case-insensitively.
 * Returns the matching entry, or undefined.
 */
export function matchAllowList(ref: ImageRef, allowList: readonly string[]): string | undefined {
  if (ref.isImageId) return undefined; // an ID carries no registry to match
  const path = `${ref.registry.toLowerCase()}/${ref.repository}`;
  return allowList.find((entry) => {
    const trimmed = entry.trim().replace(/\/+$/, "");
    if (trimmed === "") return false;
    const slash = trimmed.indexOf("/");
    const normalised = slash < 0 ? trimmed.toLowerCase() : trimmed.slice(0, slash).toLowerCase() + trimmed.slice(slash);
    return path === normalised || path.startsWith(normalised + "/");
  });
}

/** What a person reviewing an image needs to identify it. */
export const imageReport = (img: ImageFacts) => ({
  id: img.id,
  repoTags: img.repoTags,
  repoDigests: img.repoDigests,
  ...(img.containersUsing !== undefined ? { containersUsing: img.containersUsing } : {}),
});

/** The report-only items about how an image was built: one verdict per image, with guidance. */
export function imageProcessRule(rule: {
  id: string;
  slug: string;
  title: string;
  level: CisLevel;
  where: "decl" | "none";
  /** What the person reviewing the image checks. */
  guidance: string;
  remediation: string;
}): Rule<"image"> {
  return defineRule({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    section: 4,
    automated: false,
    level: rule.level,
    subject: "image",
    where: rule.where,
    reads: ["id", "repoTags", "repoDigests", "containersUsing"],
    remediation: rule.remediation,
    check: (img) => manual(rule.guidance, imageReport(img)),
  });
}

// ───────────────────────────── the image's history (4.7, 4.9, 4.10) ─────────────────────────────

/** One history line read as the Dockerfile instruction that made it. */
export interface HistoryInstruction {
  /** Its index in ImageFacts.history: 0 is the newest layer, as `docker history` lists them. */
  index: number;
  /** RUN, ADD, COPY, ENV, ARG, …; "" where the line names none (an imported or committed layer, a comment). */
  instruction: string;
  /** For RUN the command without the build args and the shell (`apt-get update`), else what follows the word. */
  text: string;
  /** The line as a person reads it: `ADD file:… in /app`, `RUN |1 A=*** /bin/sh -c …` (for evidence). */
  shown: string;
}

/** The classic builder's metadata steps: `/bin/sh -c #(nop)  ENV A=b` (the shell is the SHELL in force). */
const NOP = /^[^#]*#\(nop\)\s+([A-Za-z]+)\b\s*([\s\S]*)$/;
/** Build args the builder records before a RUN's command: `|2 A=b C=d /bin/sh -c …` (values never hold spaces). */
const BUILD_ARGS = /^\|(\d+)\s+/;
/** The shell a RUN's shell form goes through: `/bin/sh -c`, `/bin/bash -o pipefail -c`. */
const SHELL_PREFIX = /^(?:\S*\/)?(?:ba|da|z|a)?sh(?:\s+-(?!c\s)\S+(?:\s+(?!-)\S+)?)*\s+-c\s+/;

/** A RUN's command: the build args and the shell taken off. */
function runCommand(rest: string): string {
  let cmd = rest;
  const args = BUILD_ARGS.exec(cmd);
  if (args) {
    cmd = cmd.slice(args[0].length);
    for (let i = 0; i < Number(args[1]); i++) cmd = cmd.replace(/^\S+\s*/, "");
  }
  return cmd.replace(SHELL_PREFIX, "");
}

/**
 * Read one `created_by` the way the engine writes it: the classic builder's `#(nop)` metadata steps
 * and its bare RUN commands (`/bin/sh -c …`, `|1 A=b /bin/sh -c …`), and BuildKit's lines, which
 * start with the instruction and end in ` # buildkit`.
 */
export function parseHistoryLine(createdBy: string, index: number): HistoryInstruction {
  const line = createdBy.trim().replace(/\s+# buildkit$/, "");
  if (line === "" || line.startsWith("#")) return { index, instruction: "", text: line, shown: line };
  const nop = NOP.exec(line);
  if (nop) {
    const [, word, rest] = nop as unknown as [string, string, string];
    const instruction = word.toUpperCase();
    return { index, instruction, text: rest.trim(), shown: `${instruction} ${rest.trim()}` };
  }
  const first = /^([A-Z]+)\s+([\s\S]*)$/.exec(line);
  // BuildKit writes the instruction word first on the line.
  if (first && DOCKERFILE_INSTRUCTIONS.has(first[1]!)) {
    const [, instruction, rest] = first as unknown as [string, string, string];
    const text = instruction === "RUN" ? runCommand(rest) : rest;
    return { index, instruction, text, shown: `${instruction} ${rest}` };
  }
  // Anything else is a classic RUN (or a `docker commit`'s command): the command as it ran.
  return { index, instruction: "RUN", text: runCommand(line), shown: `RUN ${line}` };
}

/**
 * The image's history as instructions, newest first; undefined where there is none to judge: not
 * read (the pack before deploy), or no line names an instruction (an image made by `docker import`
 * or `docker commit` records no Dockerfile). Then the items stay manual, with their how-to.
 */
export function historyInstructions(img: ImageFacts): HistoryInstruction[] | undefined {
  if (!img.history) return undefined;
  const lines = img.history.map((h, i) => parseHistoryLine(h.createdBy, i));
  return lines.some((l) => l.instruction !== "") ? lines : undefined;
}

/** Evidence text: one line, at most `max` characters. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + "…";
}

/** `history[3].createdBy`: where a verdict's evidence is, for `field`. */
export const historyField = (l: HistoryInstruction): string => `history[${l.index}].createdBy`;

// 4.7: package index updates.

/** Words between a package manager and its command: options (`apt-get -qq update`). */
const OPTS = String.raw`(?:\s+-\S+)*\s+`;

/**
 * Package managers: the command that refreshes the index and those that use it (install,
 * upgrade). An update counts as combined only with a use by the same manager in the same RUN
 * (`apt-get update && pip install x` still leaves apt's index stale in its own layer).
 * `yum update` upgrades packages: a use, not an index refresh; `apk add --update` is one command.
 */
const MANAGERS: { name: string; update: RegExp; use: RegExp }[] = [
  {
    name: "apt",
    update: new RegExp(String.raw`\bapt(?:-get)?${OPTS}update\b(?!-)`),
    use: new RegExp(String.raw`\bapt(?:-get)?${OPTS}(?:install|upgrade|dist-upgrade|full-upgrade|build-dep)\b`),
  },
  {
    name: "apk",
    update: new RegExp(String.raw`\bapk${OPTS}update\b(?!-)`),
    use: new RegExp(String.raw`\bapk${OPTS}(?:add|upgrade|fix)\b`),
  },
  {
    name: "yum/dnf",
    update: new RegExp(String.raw`\b(?:yum|dnf|microdnf|tdnf)${OPTS}(?:makecache|check-update)\b`),
    use: new RegExp(
      String.raw`\b(?:yum|dnf|microdnf|tdnf)${OPTS}(?:install|update|upgrade|reinstall|groupinstall|distro-sync)\b`,
    ),
  },
  {
    name: "zypper",
    update: new RegExp(String.raw`\bzypper${OPTS}(?:refresh|ref)\b`),
    use: new RegExp(String.raw`\bzypper${OPTS}(?:install|in|update|up|dist-upgrade|dup|patch)\b`),
  },
];

/** The managers whose index this command refreshes without using it. */
export function loneUpdates(command: string): string[] {
  // The exec form's JSON (`["apt-get","update"]`) read as words.
  const words = command.replace(/[[\]",]/g, " ");
  return MANAGERS.filter((m) => m.update.test(words) && !m.use.test(words)).map((m) => m.name);
}

// 4.9: the base image's root filesystem.

/**
 * The base image's root filesystem: the oldest history line, when it ADDs into `/` — how base
 * images (debian, alpine, busybox) are made: the classic builder's `ADD file:<hash> in / `,
 * BuildKit's `ADD rootfs.tar.xz / # buildkit`. Any other ADD comes from a Dockerfile built on a
 * base, the user's. (An image built FROM scratch whose first step ADDs into / is a base image.)
 */
export function isBaseRootfs(l: HistoryInstruction, lines: readonly HistoryInstruction[]): boolean {
  return l.index === lines.length - 1 && l.instruction === "ADD" && l.text.split(/\s+/).at(-1) === "/";
}

// 4.10: credentials.

/**
 * A name that says where a secret is, not the secret (`POSTGRES_PASSWORD_FILE=/run/secrets/db`,
 * the pattern the remediation recommends), though its words are credential words.
 */
const LOCATION_NAME = /[-_.](?:file|path|dir)$/i;
export const isCredentialName = (name: string): boolean =>
  isSecretName(name) && !LOCATION_NAME.test(name.replace(/^-+/, ""));

// The forms facts/redact.ts hides values of, so whatever is found here is `***` in the facts.
/** `NAME=value` (ENV, ARG defaults, LABEL, a RUN's build args and assignments). */
const ASSIGNMENT = /(?:^|[\s'"|])([A-Za-z_][A-Za-z0-9_.-]*)=([^\s'"]+)/g;
/** `--name=value` or `--name value`. */
const OPTION = /(?:^|\s)(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(?:=(\S+)|\s+(?!-)(\S+))/g;
/** `scheme://user:password@`. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:[^\s@/]+@/i;

/** The credentials given a value on one history line, by name (never their values). */
export function credentialsOnLine(line: string): string[] {
  const names = new Set<string>();
  for (const m of line.matchAll(ASSIGNMENT)) if (isCredentialName(m[1]!)) names.add(m[1]!);
  for (const m of line.matchAll(OPTION)) if (isCredentialName(m[1]!)) names.add(m[1]!);
  if (URL_PASSWORD.test(line)) names.add("a password in a URL");
  return [...names];
}

/** The report-only items about how an image was built: one verdict per image, with guidance. */
export function imageHistoryRule(rule: {
  id: string;
  slug: string;
  title: string;
  level: CisLevel;
  guidance: string;
  remediation: string;
  /** Fact fields the judgement reads besides the history. */
  reads?: string[];
  /** The verdict from the history (newest line first); called only where there is one to judge. */
  judge: (lines: HistoryInstruction[], img: ImageFacts) => Verdict;
}): Rule<"image"> {
  return defineRule({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    section: 4,
    automated: false,
    level: rule.level,
    subject: "image",
    // The pack (no image before deploy) keeps the how-to; the audit reads the image's history.
    where: "both",
    reads: ["id", "repoTags", "repoDigests", "containersUsing", "history", ...(rule.reads ?? [])],
    remediation: rule.remediation,
    check: (img) => {
      const lines = historyInstructions(img);
      return lines ? rule.judge(lines, img) : manual(rule.guidance, imageReport(img));
    },
  });
}
