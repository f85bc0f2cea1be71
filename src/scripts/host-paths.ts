/**
 * Host paths that appear in rendered host scripts. They are validated here (absolute, a
 * conservative character set, no `..`) and then shell-quoted by the renderers anyway: a path
 * that passes this check is inert twice over.
 */

/** Characters a host path may use: letters, digits and `/ . _ - + @`. */
const SAFE_PATH = /^\/[A-Za-z0-9._+@/-]*$/;

/** Why `path` cannot be used on a host, or undefined when it can. */
export function hostPathProblem(path: unknown): string | undefined {
  if (typeof path !== "string") return "must be a string";
  if (!path.startsWith("/")) return "must be an absolute path";
  if (path.length > 1024) return "must be at most 1024 characters";
  if (!SAFE_PATH.test(path)) return "may only contain letters, digits and / . _ - + @";
  if (path.split("/").some((s) => s === "..")) return 'must not contain ".." segments';
  if (path !== "/" && path.endsWith("/")) return "must not end with /";
  return undefined;
}

/** Throws unless `path` is a usable host path; `what` names it in the message. */
export function assertHostPath(what: string, path: string): string {
  const problem = hostPathProblem(path);
  if (problem) throw new Error(`${what} = ${JSON.stringify(path)}: ${problem}`);
  return path;
}

/** The directory part of an absolute path ("/etc/docker/daemon.json" → "/etc/docker"). */
export function parentDir(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}
