import { byType, installMocks, resetRecorded, settle, valueOf } from "../../harness/pulumi-mocks";

installMocks();
const { HardenedNetwork, planHardenedNetwork } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after installMocks()
  require("../../../src/components/hardened-network") as typeof import("../../../src/components/hardened-network");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");

beforeEach(() => resetRecorded());

describe("HardenedNetwork", () => {
  it("is an internal user-defined bridge by default, with traffic allowed inside it", async () => {
    const net = new HardenedNetwork("backend");
    expect(await valueOf(net.networkName)).toBe("backend");
    await settle();
    const [n] = byType("docker:index/network:Network");
    expect(n.inputs).toMatchObject({
      name: "backend",
      driver: "bridge",
      internal: true,
      attachable: false,
      options: { "com.docker.network.bridge.enable_icc": "true" },
    });
    expect(n.inputs.labels).toContainEqual({ label: "hardened-docker.component", value: "HardenedNetwork" });
  });

  it("allows egress and a subnet when declared", () => {
    expect(planHardenedNetwork("frontend", { egress: true, subnet: "10.42.0.0/24" })).toMatchObject({
      internal: false,
      ipamConfigs: [{ subnet: "10.42.0.0/24" }],
    });
  });

  it.each([
    [{ name: "bridge" }, /name = "bridge": is reserved by Docker/],
    [{ name: "a b;rm" }, /name = "a b;rm": must be 1–64/],
    [{ subnet: "10.0.0.0/33" }, /subnet = "10.0.0.0\/33": must be an IPv4 CIDR/],
    [{ subnet: "999.0.0.0/8" }, /subnet = "999.0.0.0\/8"/],
    [{ internal: false }, /unknown argument\(s\) "internal"/],
  ])("refuses %j with a clear message", (args, message) => {
    expect(() => planHardenedNetwork("n", args as never)).toThrow(message);
    expect(() => new HardenedNetwork("n", args as never)).toThrow(pulumi.ResourceError);
  });
});
