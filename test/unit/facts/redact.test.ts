/** Secrets on command lines never reach a report (src/facts/redact.ts). */
import { redactCommandLine } from "../../../src/facts/redact";

describe("redactCommandLine", () => {
  test.each([
    ["mysql --password=hunter2 -h db", "mysql --password=*** -h db"],
    ["mysql --password hunter2 -h db", "mysql --password *** -h db"],
    ["psql --db-password=s3cr3t", "psql --db-password=***"],
    ["app --token abc.def --verbose", "app --token *** --verbose"],
    [
      "app --api-key=K1 --apikey K2 --access_key=K3 --private-key K4 --client-secret K5",
      "app --api-key=*** --apikey *** --access_key=*** --private-key *** --client-secret ***",
    ],
    [
      "env MYSQL_ROOT_PASSWORD=hunter2 GITHUB_TOKEN=ghp_x HOME=/root sh",
      "env MYSQL_ROOT_PASSWORD=*** GITHUB_TOKEN=*** HOME=/root sh",
    ],
    ["sh -c 'PGPASSWORD=x MYSQL_PWD=y psql'", "sh -c 'PGPASSWORD=*** MYSQL_PWD=*** psql'"],
    ["sh -c 'DB_PASS=x psql'", "sh -c 'DB_PASS=*** psql'"],
    ["curl https://admin:hunter2@example.com/api", "curl https://admin:***@example.com/api"],
    ["git clone https://x-access-token:ghp_abc@github.com/o/r", "git clone https://x-access-token:***@github.com/o/r"],
    // a name the pattern does not know: not caught (documented)
    ["redis-server --requirepass hunter2", "redis-server --requirepass hunter2"],
  ])("%s", (input, expected) => expect(redactCommandLine(input)).toBe(expected));

  test.each([
    ["ls -l /tmp"],
    ["nginx -g daemon off;"],
    ["ftp --passive host"], // "passive" is not "pass"
    ["bert --tokenizer fast x"],
    ["app --password --verbose"], // no value follows: nothing to hide
    ["sleep 3600"],
    ["/usr/sbin/sshd -D"],
  ])("leaves %s as it is", (input) => expect(redactCommandLine(input)).toBe(input));

  test("a token file's path is hidden too (over-hiding a path is harmless)", () => {
    expect(redactCommandLine("vault login --token-file /run/secrets/t")).toBe("vault login --token-file ***");
  });
});
