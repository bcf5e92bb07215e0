// zgnode's debug_traceTransaction (struct logger) against Hardhat's, on the
// same contracts and transaction: Hardhat runs in-process (its EDR network,
// cancun), zgnode at ZG_RPC_URL (see run.sh).  The contracts are those of
// tests/chain_trace.c: A stores, loads, calls B (which returns, reverts,
// runs out of gas), creates, calls sha256 and identity, sends 1 wei to an
// empty account, logs.  Every step must agree (pc, op, depth, gas, gasCost,
// stack, memory, storage), with addresses mapped between the two chains and
// two known differences, where zgnode follows geth and Hardhat does not:
//  - CREATE's gasCost: geth leaves out the gas handed to the new frame
//    (opCreate takes it after the step is logged), Hardhat counts it;
//  - the step a frame runs out of gas at: geth logs the instruction's cost
//    and "error": "out of gas", Hardhat the gas that was left, no error.
// Hardhat gives no callTracer and no returnData; zgnode's callTracer gives
// the CREATE frame's gas, which accounts for the first difference exactly.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

const RPC = process.env.ZG_RPC_URL;
const require = createRequire(import.meta.url);

// runtimes (assembly in tests/chain_trace.c); BB..BB is B's address
const SMALL_INIT = "69602a60005260206000f35f52600a6016f3";
const B_RUNTIME =
  "5f3580156010576001015f5260205ff35b5f5fa06308c379a060e01b5f5260206004526004602452637a65726f60e01b60445260645ffd";
const A_RUNTIME =
  "5f35600155600154505f355f526020602060205f5f73bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb617530f1506020516002555f604052" +
  "5f5f602060405f73bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb617530f1505f5f60205f5f73bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" +
  "bbbbbb600af1507f" + SMALL_INIT + "0000000000000000000000000000606052601260605ff06003557f6162630000000000000000000000" +
  "000000000000000000000000000000000000608052602060a0600360806002612710fa5060a051600455600560c0600560805f6004612710f1" +
  "505f5f5f5f600161dead612710f150607760206020a160206020f3";
const deployer = (rt) => {
  const n = (rt.length / 2).toString(16).padStart(4, "0");
  return "0x61" + n + "600e600039" + "61" + n + "6000f3" + rt;
};

let dir, hardhat;
const zgnode = {
  id: 0,
  async request({ method, params }) {
    const r = await fetch(RPC, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
    });
    const j = await r.json();
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
    return j.result;
  },
};

before(() => {
  assert.ok(RPC, "ZG_RPC_URL must be set (run tests/e2e/run.sh)");
  // Hardhat's in-process network needs a project: a throw-away one
  dir = mkdtempSync(join(tmpdir(), "zg-trace-hh-"));
  writeFileSync(join(dir, "hardhat.config.cjs"), 'module.exports = { networks: { hardhat: { hardfork: "cancun" } } };\n');
  process.chdir(dir);
  process.env.HARDHAT_NETWORK = "hardhat";
  process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = "true";
  hardhat = require("hardhat").network.provider;
});

after(() => dir && rmSync(dir, { recursive: true, force: true }));

async function receipt(p, hash) {
  for (let i = 0; i < 200; i++) {
    const r = await p.request({ method: "eth_getTransactionReceipt", params: [hash] });
    if (r) return r;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error("no receipt for " + hash);
}

// deploy B and A and call A on chain p; the addresses and the call's trace
async function run(p) {
  const from = (await p.request({ method: "eth_accounts" }))[7];
  const send = async (tx) =>
    receipt(p, await p.request({ method: "eth_sendTransaction", params: [{ from, gas: "0xf4240", ...tx }] }));
  const b = (await send({ data: deployer(B_RUNTIME) })).contractAddress.toLowerCase();
  const a = (await send({ data: deployer(A_RUNTIME.replaceAll("bb".repeat(20), b.slice(2))) })).contractAddress.toLowerCase();
  const rc = await send({ to: a, data: "0x" + (0x1234).toString(16).padStart(64, "0"), value: "0x5" });
  assert.equal(rc.status, "0x1");
  const opts = { enableMemory: true };
  const trace = await p.request({ method: "debug_traceTransaction", params: [rc.transactionHash, opts] });
  return { a, b, rc, trace };
}

const word = (s) => BigInt(s.startsWith("0x") ? s : "0x" + s);

test("struct logs agree with Hardhat's, step by step", async () => {
  assert.equal(await zgnode.request({ method: "eth_getBalance", params: ["0x000000000000000000000000000000000000dead", "latest"] }), "0x0",
    "0xdead must be empty on zgnode (its transfer costs a new account)");
  const H = await run(hardhat);
  const Z = await run(zgnode);
  // the CREATE's address: storage slot 3 of A, on each chain
  const created = async (p, x) => (await p.request({ method: "eth_getStorageAt", params: [x.a, "0x3", "latest"] })).slice(-40);
  const hc = await created(hardhat, H), zc = await created(zgnode, Z);
  // zgnode's addresses in Hardhat's terms, in hex words and memory
  const map = (s) =>
    s.replaceAll(Z.a.slice(2), H.a.slice(2)).replaceAll(Z.b.slice(2), H.b.slice(2)).replaceAll(zc, hc);
  assert.equal(Z.rc.gasUsed, H.rc.gasUsed, "gas used");
  assert.equal(Z.trace.gas, H.trace.gas);
  assert.equal(Z.trace.failed, false);
  assert.equal(word(Z.trace.returnValue), word(H.trace.returnValue));
  const zl = Z.trace.structLogs, hl = H.trace.structLogs;
  assert.equal(zl.length, hl.length, "number of steps");
  assert.ok(zl.length > 100);
  const frames = await zgnode.request({ method: "debug_traceTransaction", params: [Z.rc.transactionHash, { tracer: "callTracer" }] });
  const createFrame = frames.calls.find((f) => f.type === "CREATE");
  let creates = 0, oog = 0, storages = 0;
  for (let i = 0; i < zl.length; i++) {
    const z = zl[i], h = hl[i], at = `step ${i} (${h.op} at depth ${h.depth})`;
    for (const k of ["pc", "op", "depth", "gas"]) assert.equal(z[k], h[k], `${at}: ${k}`);
    if (z.op === "CREATE") {
      creates++;
      assert.equal(h.gasCost, z.gasCost + Number(createFrame.gas), `${at}: Hardhat's cost = geth's + the gas handed over`);
    } else if (z.error) {
      oog++;
      assert.equal(z.error, "out of gas", at);
      assert.equal(h.gasCost, h.gas, `${at}: Hardhat logs the gas that was left`);
      assert.ok(z.gasCost > z.gas, `${at}: geth logs the cost that did not fit`);
    } else {
      assert.equal(z.gasCost, h.gasCost, `${at}: gasCost`);
    }
    assert.deepEqual((z.stack || []).map((s) => word(map(s.slice(2).padStart(64, "0")))), (h.stack || []).map(word), `${at}: stack`);
    assert.deepEqual((z.memory || []).map(map), h.memory || [], `${at}: memory`);
    if (z.op === "SLOAD" || z.op === "SSTORE") {
      storages++;
      const norm = (m) => Object.entries(m || {}).map(([k, v]) => [k, v]).sort();
      assert.deepEqual(norm(z.storage).map(([k, v]) => [k, map(v)]), norm(h.storage), `${at}: storage`);
    } else {
      assert.equal(z.storage, undefined, `${at}: storage only on SLOAD/SSTORE`);
    }
  }
  assert.equal(creates, 1);
  assert.equal(oog, 1);
  assert.equal(storages, 5);
});
