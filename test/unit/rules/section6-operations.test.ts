import { SECTION_6 } from "../../../src/rules/section6";
import { imageSprawl } from "../../../src/rules/section6/6.1-image-sprawl-avoided";
import { containerSprawl } from "../../../src/rules/section6/6.2-container-sprawl-avoided";
import type { Rule } from "../../../src/rules/types";
import { ctx, inventory } from "../../harness/fixtures";

describe("section 6 catalog entries", () => {
  it("has 6.1 and 6.2, manual, level 1, on the inventory", () => {
    expect(SECTION_6.map((r) => [r.id, r.automated, r.level, r.subject, r.section])).toEqual([
      ["6.1", false, 1, "inventory", 6],
      ["6.2", false, 1, "inventory", 6],
    ]);
  });

  it("the baseline inventory gets a report from both (no automated rule to fail)", () => {
    for (const r of SECTION_6 as Rule<"inventory">[]) expect(r.check(inventory(), ctx()).status).toBe("manual");
  });
});

describe("6.1 image sprawl", () => {
  it("reports images against images in use", () => {
    const v = imageSprawl.check(inventory({ images: 10, imagesInUse: 4 }), ctx());
    expect(v).toMatchObject({ status: "manual", report: { images: 10, imagesInUse: 4, unused: 6 } });
    expect(v.status === "manual" && v.guidance).toMatch(/6 of 10 images/);
  });

  it("says when every image is in use", () => {
    const v = imageSprawl.check(inventory({ images: 3, imagesInUse: 3 }), ctx());
    expect(v).toMatchObject({ status: "manual", report: { unused: 0 } });
    expect(v.status === "manual" && v.guidance).toMatch(/Every image/);
  });
});

describe("6.2 container sprawl", () => {
  it("reports total against running containers", () => {
    const v = containerSprawl.check(inventory({ containers: 7, runningContainers: 2 }), ctx());
    expect(v).toMatchObject({ status: "manual", report: { containers: 7, running: 2, notRunning: 5 } });
    expect(v.status === "manual" && v.guidance).toMatch(/5 of 7 containers/);
  });

  it("says when every container runs", () => {
    const v = containerSprawl.check(inventory({ containers: 2, runningContainers: 2 }), ctx());
    expect(v).toMatchObject({ status: "manual", report: { notRunning: 0 } });
    expect(v.status === "manual" && v.guidance).toMatch(/Every container/);
  });
});
