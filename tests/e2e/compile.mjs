// Compile the test contracts with solc-js (the npm "solc" package): no
// compiler download, which the test machines cannot reach.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = dirname(fileURLToPath(import.meta.url));

export function compile(names) {
  const sources = {};
  for (const n of names) sources[`${n}.sol`] = { content: readFileSync(join(here, "contracts", `${n}.sol`), "utf8") };
  const input = {
    language: "Solidity",
    sources,
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const res = {};
  for (const n of names) {
    const c = out.contracts[`${n}.sol`][n];
    res[n] = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
  }
  return res;
}
