/** CommandDigests: the digest a component registers equals what the pack computes from the command's properties. */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, valueOf } from "../../harness/pulumi-mocks";
import { commandDigest } from "../../../src/scripts/command-digest";

installMocks();
const { CommandDigests } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/command-digests") as typeof import("../../../src/components/command-digests");

const isSecret = (o: pulumi.Output<unknown>): Promise<boolean> =>
  (o as unknown as { isSecret: Promise<boolean> }).isSecret;

describe("CommandDigests", () => {
  it("digests the args as resolved (Outputs nested in arrays and objects too) and returns them unchanged", async () => {
    const digests = new CommandDigests();
    const id = pulumi.output("c".repeat(64));
    const args = {
      connection: {
        host: pulumi.output("10.0.0.5"),
        port: 22,
        user: "root",
        hostKey: "ssh-ed25519 AAAA",
        privateKey: pulumi.secret("key"),
      },
      create: id.apply((i) => `docker update -- '${i}'`),
      triggers: [id, 64],
      environment: { DOCKER_HOST: pulumi.output("unix:///run/docker.sock") },
      addPreviousOutputInEnv: false,
    };
    expect(digests.add("c-pids-limit", args)).toBe(args);
    const digest = digests.output["c-pids-limit"]!;
    const resolved = {
      connection: { host: "10.0.0.5", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA", privateKey: "another" },
      create: `docker update -- '${"c".repeat(64)}'`,
      triggers: ["c".repeat(64), 64],
      environment: { DOCKER_HOST: "unix:///run/docker.sock" },
    };
    expect(await valueOf(digest)).toBe(commandDigest(resolved));
    // The private key is not digested, so the digest is not secret because of it.
    expect(await isSecret(digest)).toBe(false);
    expect(await valueOf(digest)).not.toBe(commandDigest({ ...resolved, triggers: ["c".repeat(64), 65] }));
  });

  it("a digest of a secret input is secret; plain args give a plain digest", async () => {
    const digests = new CommandDigests();
    digests.add("tls", { create: "stage", stdin: pulumi.secret("KEY MATERIAL") });
    digests.add("plain", { create: "echo" });
    expect(await isSecret(digests.output.tls!)).toBe(true);
    expect(await valueOf(digests.output.plain!)).toBe(commandDigest({ create: "echo" }));
    expect(await isSecret(digests.output.plain!)).toBe(false);
  });
});

describe("commandDigest", () => {
  const base = { create: "echo", triggers: ["a", 1], connection: { host: "h", port: 22, user: "root", hostKey: "k" } };

  it(
    "is the same for the same content: key order, absent vs null, " +
      "the provider's own outputs and the private key do not count",
    () => {
      const d = commandDigest(base);
      expect(
        commandDigest({
          connection: { hostKey: "k", user: "root", port: 22, host: "h", privateKey: "x", dialErrorLimit: 10 },
          triggers: ["a", 1],
          create: "echo",
          update: null,
        } as never),
      ).toBe(d);
      expect(commandDigest({ ...base, stdout: "done", addPreviousOutputInEnv: false } as never)).toBe(d);
    },
  );

  it("changes with anything that decides what runs", () => {
    const d = commandDigest(base);
    for (const edit of [
      { create: "echo x" },
      { delete: "rm" },
      { update: "x" },
      { stdin: "s" },
      { interpreter: ["/bin/bash", "-c"] },
      { dir: "/" },
      { environment: { A: "1" } },
      { logging: "none" },
      { triggers: ["a", 2] },
      { connection: { ...base.connection, host: "other" } },
      { connection: { ...base.connection, hostKey: undefined } },
    ])
      expect({ edit, same: commandDigest({ ...base, ...edit }) === d }).toEqual({ edit, same: false });
  });
});
