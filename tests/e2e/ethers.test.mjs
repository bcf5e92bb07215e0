// zgnode's Ethereum JSON-RPC driven by ethers v6, as a dapp developer would:
// compile with solc-js, deploy, transfer, query, filter, subscribe over
// WebSocket, decode revert reasons, sign messages and typed data.
// Needs ZG_RPC_URL (and ZG_WS_URL for subscriptions); see run.sh.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ethers } from "ethers";
import { compile } from "./compile.mjs";

const RPC = process.env.ZG_RPC_URL;
const WS = process.env.ZG_WS_URL;
// the well-known first dev key of "test test ... junk"
const KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

let provider, wallet, artifacts, token, events;

const waitFor = (pred, ms = 10000) =>
  new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = async () => {
      try {
        const v = await pred();
        if (v) return resolve(v);
      } catch (e) {
        return reject(e);
      }
      if (Date.now() - t0 > ms) return reject(new Error("timed out"));
      setTimeout(tick, 50);
    };
    tick();
  });

before(async () => {
  assert.ok(RPC, "ZG_RPC_URL must be set (run tests/e2e/run.sh)");
  // cacheTimeout -1: ethers otherwise reuses identical answers for 250 ms,
  // e.g. a "pending" nonce from before the previous transaction was mined;
  // with instant mining (zgnode, anvil, Hardhat) both fit in that window
  provider = new ethers.JsonRpcProvider(RPC, undefined, { pollingInterval: 100, cacheTimeout: -1 });
  wallet = new ethers.Wallet(KEY0, provider);
  artifacts = compile(["Token", "Events"]);
});

after(() => provider?.destroy());

describe("network", () => {
  test("chain id, block number, fee data", async () => {
    const net = await provider.getNetwork();
    assert.equal(net.chainId, 31337n);
    assert.ok((await provider.getBlockNumber()) >= 0);
    const fee = await provider.getFeeData();
    assert.ok(fee.gasPrice > 0n && fee.maxFeePerGas > 0n && fee.maxPriorityFeePerGas > 0n);
  });

  test("dev accounts are funded and listed", async () => {
    const accounts = await provider.listAccounts();
    assert.equal(accounts.length, 10);
    assert.equal(accounts[0].address, wallet.address);
    assert.equal(wallet.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assert.ok((await provider.getBalance(wallet.address)) > ethers.parseEther("1000"));
  });
});

describe("ERC-20", () => {
  test("deploy with a local wallet (eth_sendRawTransaction)", async () => {
    const f = new ethers.ContractFactory(artifacts.Token.abi, artifacts.Token.bytecode, wallet);
    token = await f.deploy("Zero Gravity", "ZG", ethers.parseEther("1000000"));
    const receipt = await token.deploymentTransaction().wait();
    assert.equal(receipt.status, 1);
    assert.ok((await provider.getCode(await token.getAddress())).length > 2);
    assert.equal(await token.name(), "Zero Gravity");
    assert.equal(await token.totalSupply(), ethers.parseEther("1000000"));
  });

  test("transfer, balances, Transfer event in the receipt", async () => {
    const to = ethers.Wallet.createRandom().address;
    const tx = await token.transfer(to, 1234n);
    const receipt = await tx.wait();
    assert.equal(receipt.status, 1);
    assert.equal(await token.balanceOf(to), 1234n);
    const ev = receipt.logs.map((l) => token.interface.parseLog(l)).find((p) => p?.name === "Transfer");
    assert.equal(ev.args.to, to);
    assert.equal(ev.args.value, 1234n);
    const got = await provider.getTransaction(tx.hash);
    assert.equal(got.blockNumber, receipt.blockNumber);
    const block = await provider.getBlock(receipt.blockNumber, true);
    assert.ok(block.prefetchedTransactions.some((t) => t.hash === tx.hash));
  });

  test("node-held account signs (eth_sendTransaction through JsonRpcSigner)", async () => {
    const signer1 = await provider.getSigner(1);
    await (await token.transfer(signer1.address, 500n)).wait();
    const t1 = token.connect(signer1);
    const dest = ethers.Wallet.createRandom().address;
    const receipt = await (await t1.transfer(dest, 200n)).wait();
    assert.equal(receipt.from, signer1.address);
    assert.equal(await token.balanceOf(dest), 200n);
    assert.equal(await token.balanceOf(signer1.address), 300n);
  });

  test("queryFilter finds Transfer events by indexed topic", async () => {
    const evs = await token.queryFilter(token.filters.Transfer(wallet.address), 0, "latest");
    assert.ok(evs.length >= 2);
    assert.ok(evs.every((e) => e.args.from === wallet.address));
  });

  test("custom error and require reasons are decoded", async () => {
    const poor = ethers.Wallet.createRandom().connect(provider);
    await assert.rejects(token.connect(poor).transfer.staticCall(wallet.address, 1n), (e) => {
      assert.equal(e.code, "CALL_EXCEPTION");
      assert.equal(e.revert?.name, "InsufficientBalance");
      return true;
    });
    await assert.rejects(token.transferFrom.staticCall(poor.address, wallet.address, 1n), (e) => {
      assert.equal(e.reason, "ERC20: insufficient allowance");
      return true;
    });
  });

  test("contract.on(Transfer) over polled filters (eth_newFilter)", async () => {
    const seen = [];
    await token.on("Transfer", (from, to, value) => seen.push(value));
    const receipt = await (await token.transfer(ethers.Wallet.createRandom().address, 77n)).wait();
    await waitFor(() => seen.includes(77n));
    await token.removeAllListeners();
    assert.ok(receipt.status === 1);
  });
});

describe("events and reverts", () => {
  test("deploy Events, store emits Stored", async () => {
    const f = new ethers.ContractFactory(artifacts.Events.abi, artifacts.Events.bytecode, wallet);
    events = await f.deploy();
    await events.waitForDeployment();
    const receipt = await (await events.store(42n, "hello")).wait();
    const ev = events.interface.parseLog(receipt.logs[0]);
    assert.equal(ev.name, "Stored");
    assert.equal(ev.args.key, 42n);
    assert.equal(ev.args.note, "hello");
    assert.equal(await events.notes(42n), "hello");
    const logs = await provider.getLogs({ address: await events.getAddress(), topics: [events.interface.getEvent("Stored").topicHash, null, ethers.toBeHex(42n, 32)], fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    assert.equal(logs.length, 1);
  });

  test("revert reasons: revert(string), require, custom error, panic", async () => {
    await assert.rejects(events.fail.staticCall("boom"), (e) => e.code === "CALL_EXCEPTION" && e.reason === "boom");
    await assert.rejects(events.failRequire.staticCall(3n), (e) => e.reason === "x too small");
    assert.equal(await events.failRequire(11n), 11n);
    await assert.rejects(events.failCustom.staticCall(), (e) => {
      assert.equal(e.revert.name, "Custom");
      assert.equal(e.revert.args[0], 7n);
      assert.equal(e.revert.args[1], "seven");
      return true;
    });
    await assert.rejects(events.divide.staticCall(1n, 0n), (e) => e.code === "CALL_EXCEPTION" && /DIVIDE_BY_ZERO/.test(e.reason));
  });

  test("estimateGas of a reverting call carries the reason", async () => {
    await assert.rejects(events.fail.estimateGas("nope"), (e) => e.code === "CALL_EXCEPTION" && e.reason === "nope");
  });

  test("a mined revert: status 0 receipt, state unchanged", async () => {
    const tx = await events.storeThenFail(9n, { gasLimit: 100000n });
    await assert.rejects(tx.wait(), (e) => e.code === "CALL_EXCEPTION" && e.receipt?.status === 0);
    assert.equal(await events.notes(9n), "");
  });

  test("block context", async () => {
    const latest = await provider.getBlock("latest");
    // a call that names a gas price sees the block's base fee (without one,
    // geth and zgnode run it with BASEFEE 0)
    const [number, timestamp, chainId, baseFee] = await events.blockInfo({ gasPrice: latest.baseFeePerGas * 2n });
    assert.equal(number, BigInt(latest.number));
    assert.equal(chainId, 31337n);
    assert.equal(timestamp, BigInt(latest.timestamp));
    assert.equal(baseFee, latest.baseFeePerGas);
    const [, , , free] = await events.blockInfo();
    assert.equal(free, 0n);
  });
});

describe("errors clients recognise", () => {
  test("nonce too low -> NONCE_EXPIRED", async () => {
    const tx = await wallet.populateTransaction({ to: wallet.address, value: 1n, nonce: 0 });
    await assert.rejects(wallet.sendTransaction(tx), (e) => e.code === "NONCE_EXPIRED");
  });

  test("insufficient funds -> INSUFFICIENT_FUNDS", async () => {
    const poor = ethers.Wallet.createRandom().connect(provider);
    await assert.rejects(
      poor.sendTransaction({ to: wallet.address, value: 1n, gasLimit: 21000n, type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, nonce: 0, chainId: 31337n }),
      (e) => e.code === "INSUFFICIENT_FUNDS",
    );
  });

  test("wrong chain id is refused", async () => {
    const w = new ethers.Wallet(KEY0);
    const raw = await w.signTransaction({ to: w.address, value: 1n, gasLimit: 21000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, nonce: 0, chainId: 1n, type: 2 });
    await assert.rejects(provider.broadcastTransaction(raw), /invalid chain id/);
  });
});

describe("signing with node-held keys", () => {
  test("personal_sign", async () => {
    const s = await provider.getSigner(2);
    const sig = await s.signMessage("hello zgnode");
    assert.equal(ethers.verifyMessage("hello zgnode", sig), s.address);
  });

  test("eth_signTypedData_v4", async () => {
    const s = await provider.getSigner(3);
    const domain = { name: "Ether Mail", version: "1", chainId: 31337, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" };
    const types = {
      Person: [{ name: "name", type: "string" }, { name: "wallet", type: "address" }],
      Mail: [{ name: "from", type: "Person" }, { name: "to", type: "Person[]" }, { name: "contents", type: "string" }, { name: "amount", type: "uint256" }],
    };
    const value = {
      from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
      to: [{ name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" }],
      contents: "Hello, Bob!",
      amount: 12345678901234567890n,
    };
    const sig = await s.signTypedData(domain, types, value);
    assert.equal(ethers.verifyTypedData(domain, types, value, sig), s.address);
  });
});

describe("WebSocket subscriptions", { skip: !WS && "no ZG_WS_URL" }, () => {
  test("newHeads and logs pushed over eth_subscribe", async () => {
    const ws = new ethers.WebSocketProvider(WS);
    try {
      const c = events.connect(ws);
      const heads = [];
      const stored = [];
      await ws.on("block", (n) => heads.push(n));
      await c.on("Stored", (who, key, note) => stored.push(note));
      const receipt = await (await events.store(7n, "pushed")).wait();
      await waitFor(() => stored.includes("pushed") && heads.includes(receipt.blockNumber));
      await ws.removeAllListeners();
      await c.removeAllListeners();
      await new Promise((r) => setTimeout(r, 300)); // let eth_unsubscribe complete
    } finally {
      await ws.destroy();
    }
  });

  test("pending transactions are pushed", async () => {
    const ws = new ethers.WebSocketProvider(WS);
    try {
      const seen = [];
      await ws.on("pending", (h) => seen.push(h));
      await new Promise((r) => setTimeout(r, 100));
      const tx = await wallet.sendTransaction({ to: ethers.Wallet.createRandom().address, value: 1n });
      await waitFor(() => seen.includes(tx.hash));
      await tx.wait();
      await ws.removeAllListeners();
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await ws.destroy();
    }
  });
});
