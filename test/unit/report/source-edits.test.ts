/**
 * Where a fix goes in the program's source (src/report/source-edits.ts): the inputs of a
 * `new X(name, { … })` call set to new values, whatever else the object literal holds.
 */
import { applyEdits, inputEdits, literal, regionOf } from "../../../src/report/source-edits";

const at = { line: 1, column: 1 };
const edited = (source: string, values: Record<string, unknown>, where = at) =>
  applyEdits(source, inputEdits(source, where, values) ?? []);

describe("inputEdits", () => {
  it("replaces a property's value, keeping the rest of the object as written", () => {
    expect(edited('new docker.Container("web", { image: "a", restart: "always" })', { restart: "on-failure" })).toBe(
      'new docker.Container("web", { image: "a", restart: "on-failure" })',
    );
  });

  it("adds a missing input at the end (after a spread, so it wins), one a line where the object is so written", () => {
    expect(edited('new C("n", { ...base, image: "a" })', { maxRetryCount: 5 })).toBe(
      'new C("n", { ...base, image: "a", maxRetryCount: 5 })',
    );
    expect(edited('new C("n", {\n  image: "a",\n})', { maxRetryCount: 5, securityOpts: ["x"] })).toBe(
      'new C("n", {\n  image: "a",\n  maxRetryCount: 5,\n  securityOpts: ["x"],\n})',
    );
    expect(edited('new C("n", {\n  image: "a"\n})', { maxRetryCount: 5 })).toBe(
      'new C("n", {\n  image: "a",\n  maxRetryCount: 5\n})',
    );
    expect(edited('new C("n", {})', { k: 1 })).toBe('new C("n", { k: 1 })');
  });

  it("is not misled by braces, commas and keys inside strings, templates, comments or nested values", () => {
    const source =
      'new C(`svc-${id}`, { /* restart: "x", } */ labels: [{ label: "a,}", value: `{${x}}` }], ' +
      "command: f(1, { restart: 2 }), // restart: 3,\n restart: 'always' })";
    expect(edited(source, { restart: "no" })).toBe(source.replace("restart: 'always'", 'restart: "no"'));
  });

  it("replaces a shorthand property, and the last of a repeated key (the one that counts)", () => {
    expect(edited('new C("n", { ports })', { ports: [] })).toBe('new C("n", { ports: [] })');
    expect(edited('new C("n", { a: 1, a: 2 })', { a: 3 })).toBe('new C("n", { a: 1, a: 3 })');
  });

  it("finds the call at its line and column", () => {
    const source = 'import x from "y";\nexport const web = new docker.Container("web", { a: 1 });\n';
    expect(edited(source, { a: 2 }, { line: 2, column: 20 })).toBe(source.replace("a: 1", "a: 2"));
  });

  it("gives no edit where the call is not new X(name, { … })", () => {
    expect(inputEdits('makeContainer("web", { a: 1 })', at, { a: 2 })).toBeUndefined();
    expect(inputEdits('new C("web", args)', at, { a: 2 })).toBeUndefined();
    expect(inputEdits('new C("web")', at, { a: 2 })).toBeUndefined();
    expect(inputEdits('new C("web", { a: 1 })', { line: 9, column: 1 }, { a: 2 })).toBeUndefined();
  });
});

describe("literal", () => {
  it("writes values as TypeScript", () => {
    expect(literal({ adds: [], drops: ["ALL"], "odd-key": 1, skipped: undefined })).toBe(
      '{ adds: [], drops: ["ALL"], "odd-key": 1 }',
    );
  });
});

describe("regionOf", () => {
  it("gives 1-based lines and columns, end exclusive, and offsets", () => {
    const text = "ab\ncdef\n";
    expect(regionOf(text, { offset: 4, length: 2, text: "" })).toEqual({
      startLine: 2,
      startColumn: 2,
      endLine: 2,
      endColumn: 4,
      charOffset: 4,
      charLength: 2,
    });
  });
});
