import { isHostMode } from "../kit/container";
import { fail, notApplicable, pass } from "../kit/verdicts";
import { defineRule } from "../types";

export const selinuxOptions = defineRule({
  id: "5.3",
  slug: "selinux-options",
  title: "SELinux labels confine the container",
  section: 5,
  automated: true,
  level: 2,
  subject: "container",
  where: "both",
  reads: ["privileged", "pidMode", "ipcMode", "securityOptions.selinuxLabels", "securityOptions.selinuxLabelDisabled"],
  remediation:
    'Run dockerd with "selinux-enabled": true so every container gets a label (or set ' +
    "`--security-opt label=type:…`); remove `label=disable`, `--privileged`, `--pid host` " +
    "and `--ipc host`.",
  check(c, ctx) {
    if (ctx.host?.selinuxEnabled === false) return notApplicable("the host does not run SELinux");
    const opts = c.securityOptions;
    // ⚠ Privileged containers run without a process label whatever the options say.
    if (c.privileged)
      return fail(
        "privileged",
        true,
        "false: privileged containers run without an SELinux label (implicit label=disable)",
      );
    if (opts.selinuxLabelDisabled) return fail("securityOptions.selinuxLabelDisabled", true, "label=disable absent");
    // The engine also adds label=disable for host PID/IPC sharing when no label option was given.
    if (opts.selinuxLabels.length === 0) {
      for (const field of ["pidMode", "ipcMode"] as const) {
        if (isHostMode(c[field])) {
          return fail(
            field,
            c[field],
            'not "host", or explicit label= options',
            "the engine adds label=disable to containers sharing the host PID or IPC namespace",
          );
        }
      }
    }
    // ⚠ A non-empty option list proves nothing: without daemon SELinux support no label is applied,
    // and label= options are ignored as well.
    if (ctx.daemon?.selinuxEnabled === false) {
      return fail(
        "securityOptions.selinuxLabels",
        opts.selinuxLabels,
        "SELinux labels applied (daemon selinux-enabled: true)",
        "dockerd runs without selinux-enabled, so it labels no container and ignores label= options",
      );
    }
    if (opts.selinuxLabels.length > 0) return pass(`labels: ${opts.selinuxLabels.join(", ")}`);
    if (ctx.daemon?.selinuxEnabled === true)
      return pass("no explicit labels: the daemon (selinux-enabled) applies its default container label");
    return pass(
      "label=disable absent; default labelling depends on the daemon's selinux-enabled (checked by hd-selinux-enabled)",
    );
  },
});
