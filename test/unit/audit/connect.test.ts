import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuditConnectionError,
  classifyError,
  connect,
  defaultHost,
  parseTarget,
  TargetError,
} from "../../../src/audit/connect";
import { AdapterError } from "../../../src/adapters/errors";
import { knownHostKeys, SshError } from "../../../src/audit/ssh";

const env = (over: Record<string, string> = {}) => ({ HOME: "/nonexistent", ...over }) as NodeJS.ProcessEnv;

describe("parseTarget", () => {
  test("unix sockets, with and without the scheme", () => {
    expect(parseTarget("unix:///run/user/1000/docker.sock", { env: env() })).toEqual({
      label: "unix:///run/user/1000/docker.sock",
      kind: "unix",
      socketPath: "/run/user/1000/docker.sock",
    });
    expect(parseTarget("/var/run/docker.sock", { env: env() }).socketPath).toBe("/var/run/docker.sock");
    expect(parseTarget("unix://", { env: env() }).socketPath).toBe("/var/run/docker.sock");
  });

  test("tcp: plain, TLS by flag, by DOCKER_TLS_VERIFY and by port 2376; a bare host:port is tcp", () => {
    expect(parseTarget("tcp://10.0.0.5:2375", { env: env() })).toEqual({
      label: "tcp://10.0.0.5:2375",
      kind: "tcp",
      host: "10.0.0.5",
      port: 2375,
    });
    expect(parseTarget("10.0.0.5:2375", { env: env() }).kind).toBe("tcp");
    expect(parseTarget("tcp://h:2375", { env: env(), tlsVerify: true, tlsCaCert: "/ca.pem" }).tls).toEqual({
      verify: true,
      ca: "/ca.pem",
      cert: undefined,
      key: undefined,
    });
    expect(parseTarget("tcp://h:2376", { env: env() }).tls).toEqual({
      verify: false,
      ca: undefined,
      cert: undefined,
      key: undefined,
    });
    expect(parseTarget("tcp://h:2375", { env: env({ DOCKER_TLS_VERIFY: "1" }) }).tls?.verify).toBe(true);
    expect(parseTarget("tcp://[::1]:2376", { env: env() })).toMatchObject({ host: "::1", label: "tcp://[::1]:2376" });
  });

  test("DOCKER_CERT_PATH files are used when present", () => {
    const dir = mkdtempSync(join(tmpdir(), "hd-certs-"));
    try {
      for (const f of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(dir, f), "x");
      expect(parseTarget("tcp://h:2376", { env: env({ DOCKER_CERT_PATH: dir, DOCKER_TLS_VERIFY: "1" }) }).tls).toEqual({
        verify: true,
        ca: join(dir, "ca.pem"),
        cert: join(dir, "cert.pem"),
        key: join(dir, "key.pem"),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("ssh: user and port, defaults 22 and the local user", () => {
    expect(parseTarget("ssh://deploy@docker-1.example.com:2222", { env: env() })).toEqual({
      label: "ssh://deploy@docker-1.example.com:2222",
      kind: "ssh",
      host: "docker-1.example.com",
      port: 2222,
      user: "deploy",
    });
    expect(parseTarget("ssh://docker-1", { env: env() })).toMatchObject({ port: 22, user: expect.any(String) });
  });

  test("malformed addresses are usage errors that name the problem", () => {
    expect(() => parseTarget("ftp://x", { env: env() })).toThrow(TargetError);
    expect(() => parseTarget("ftp://x", { env: env() })).toThrow(/unsupported scheme ftp:/);
    expect(() => parseTarget("tcp://h", { env: env() })).toThrow(/needs a port/);
    expect(() => parseTarget("ssh://u:pw@h", { env: env() })).toThrow(/passwords/);
    expect(() => parseTarget("unix://relative.sock", { env: env() })).toThrow(/absolute/);
    expect(() => parseTarget("  ", { env: env() })).toThrow(/empty/);
  });

  test("the default address: DOCKER_HOST, else the default socket", () => {
    expect(defaultHost(env({ DOCKER_HOST: "tcp://h:2376" }))).toBe("tcp://h:2376");
    expect(defaultHost(env())).toBe("unix:///var/run/docker.sock");
  });
});

describe("classifyError: one line, one kind", () => {
  const unix = parseTarget("unix:///var/run/docker.sock", { env: env() });
  const tcp = parseTarget("tcp://h:2376", { env: env() });
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });

  test.each([
    ["no socket", unix, err("ENOENT"), "unreachable", /\/var\/run\/docker\.sock: ENOENT \(no socket there/],
    ["socket permission", unix, err("EACCES"), "permission", /EACCES \(is this user root or in the docker group\?\)/],
    ["connection refused", tcp, err("ECONNREFUSED"), "unreachable", /^ECONNREFUSED \(nothing listens there\)$/],
    [
      "self-signed certificate",
      tcp,
      err("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
      "tls",
      /self-signed certificate/,
    ],
    [
      "TLS to a plain port",
      tcp,
      err("EPROTO", "write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../x.c:350:"),
      "tls",
      /^EPROTO: wrong version number \(the engine does not speak TLS/,
    ],
    [
      "plain HTTP to a TLS port",
      tcp,
      Object.assign(new Error("(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server."), {
        statusCode: 400,
      }),
      "tls",
      /expects TLS/,
    ],
    [
      "authorization plugin refuses",
      tcp,
      Object.assign(new Error("(HTTP code 403) forbidden"), {
        statusCode: 403,
        json: { message: "authorization denied by plugin" },
      }),
      "permission",
      /authorization denied/,
    ],
    [
      "engine sends something unreadable",
      tcp,
      new AdapterError("docker info", "ServerVersion: required field is missing"),
      "engine",
      /docker info: ServerVersion/,
    ],
    ["SSH", tcp, new SshError("x"), "ssh", /x/],
  ])("%s", (_name, target, e, problem, reason) => {
    const c = classifyError(target, e);
    expect(c).toBeInstanceOf(AuditConnectionError);
    expect(c.problem).toBe(problem);
    expect(c.reason).toMatch(reason);
    expect(c.message.split("\n")).toHaveLength(1);
    expect(c.message.startsWith(`${target.label}: `)).toBe(true);
  });
});

describe("connect", () => {
  test("--tlsverify without a CA is a TLS failure before any request", async () => {
    await expect(connect(parseTarget("tcp://h:2376", { env: env(), tlsVerify: true }))).rejects.toThrow(
      /TLS failure: --tlsverify needs a CA certificate/,
    );
  });

  test("an unreadable certificate file is a TLS failure naming it", async () => {
    await expect(
      connect(parseTarget("tcp://h:2376", { env: env(), tlsVerify: true, tlsCaCert: "/nonexistent/ca.pem" })),
    ).rejects.toThrow(/cannot read the CA certificate \/nonexistent\/ca\.pem: ENOENT/);
  });

  test("ssh without a known host key refuses to connect (host keys are always verified)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hd-kh-"));
    try {
      writeFileSync(
        join(dir, "known_hosts"),
        "other.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBCl9+q1eRAQnQVrXPrBqThBMTMSvberGfL3iNM9K8g\n",
      );
      await expect(
        connect(parseTarget("ssh://root@docker-1:22", { env: env() }), {
          sshKnownHosts: join(dir, "known_hosts"),
          env: env(),
        }),
      ).rejects.toThrow(/SSH failure: no host key for docker-1 in/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("knownHostKeys", () => {
  const KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIBBCl9+q1eRAQnQVrXPrBqThBMTMSvberGfL3iNM9K8g";
  const hashed = (name: string) => {
    const salt = Buffer.from("0123456789abcdef0123");
    return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
  };

  test("plain, comma lists and globs; [host]:port for other ports", () => {
    const text =
      `# comment\ndocker-1,10.0.0.5 ssh-ed25519 ${KEY}\n*.example.com ssh-rsa ${KEY}\n` +
      `[docker-2]:2222 ecdsa-sha2-nistp256 ${KEY}\n`;
    expect(knownHostKeys(text, "10.0.0.5", 22).map((k) => k.type)).toEqual(["ssh-ed25519"]);
    expect(knownHostKeys(text, "a.example.com", 22).map((k) => k.type)).toEqual(["ssh-rsa"]);
    expect(knownHostKeys(text, "docker-2", 2222).map((k) => k.type)).toEqual(["ecdsa-sha2-nistp256"]);
    // ⚠ the port matters: docker-2 on 22 is another entry
    expect(knownHostKeys(text, "docker-2", 22)).toEqual([]);
  });

  test("hashed entries, negations and @revoked", () => {
    const text =
      `${hashed("[docker-3]:2200")} ssh-ed25519 ${KEY}\n*.corp,!bad.corp ssh-ed25519 ${KEY}\n` +
      `@revoked docker-4 ssh-ed25519 ${KEY}\n@cert-authority *.corp ssh-ed25519 ${KEY}\n`;
    expect(knownHostKeys(text, "docker-3", 2200)).toHaveLength(1);
    expect(knownHostKeys(text, "docker-3", 22)).toEqual([]);
    expect(knownHostKeys(text, "good.corp", 22)).toHaveLength(1);
    expect(knownHostKeys(text, "bad.corp", 22)).toEqual([]);
    expect(knownHostKeys(text, "docker-4", 22)).toEqual([
      { type: "ssh-ed25519", key: Buffer.from(KEY, "base64"), revoked: true },
    ]);
  });
});
