// zgnode's Ethereum JSON-RPC driven by viem, as a dapp developer would:
// public client reads, a local account (signs in-process, sends raw
// transactions) and a JSON-RPC account (the node signs), contract deploy /
// write / read / simulate, revert decoding, logs and filters, watchers over
// HTTP polling and over WebSocket subscriptions, and the test-client
// actions (snapshot, revert, time, automine).
// Needs ZG_RPC_URL and ZG_WS_URL; see run.sh.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  InsufficientFundsError,
  MethodNotFoundRpcError,
  NonceTooLowError,
  TransactionReceiptNotFoundError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  isAddressEqual,
  isHash,
  keccak256,
  parseAbiItem,
  parseEther,
  parseEventLogs,
  parseGwei,
  recoverMessageAddress,
  toHex,
  verifyMessage,
  verifyTypedData,
  webSocket,
  zeroAddress,
  zeroHash,
} from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { compile } from "./compile.mjs";

const RPC = process.env.ZG_RPC_URL;
const WS = process.env.ZG_WS_URL;
const MNEMONIC = "test test test test test test test test test test test junk";
// the well-known first dev key of that mnemonic
const KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const chain = defineChain({
  id: 31337,
  name: "zgnode dev",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [RPC], webSocket: WS ? [WS] : [] } },
});

// Every JSON-RPC request the HTTP clients make, with its answer or error:
// viem falls back silently in places (eth_fillTransaction, filters ->
// eth_getLogs, ERC-6492 -> ecrecover), so the tests check which path ran.
const rpcLog = [];
const recorded = (transport) => (opts) => {
  const t = transport(opts);
  return {
    ...t,
    async request(args, o) {
      const entry = { method: args.method, params: args.params };
      rpcLog.push(entry);
      try {
        return (entry.result = await t.request(args, o));
      } catch (e) {
        entry.error = e;
        throw e;
      }
    },
  };
};
const logFrom = (mark) => rpcLog.slice(mark);
// retryCount 0: a failing request is an error here, not something to retry
const transport = recorded(http(RPC, { retryCount: 0 }));

const local = privateKeyToAccount(KEY0);
const publicClient = createPublicClient({ chain, transport, pollingInterval: 100 });
const wallet = createWalletClient({ chain, transport, account: local, pollingInterval: 100 });
const testClient = createTestClient({ chain, transport, mode: "hardhat", pollingInterval: 100 });

let artifacts, tokenAddress, eventsAddress;
const TRANSFER = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");
const randomAddress = () => privateKeyToAccount(generatePrivateKey()).address;
const confirm = async (hash) => {
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 20000 });
  assert.equal(receipt.transactionHash, hash);
  return receipt;
};
const token = () => ({ address: tokenAddress, abi: artifacts.Token.abi });
const events = () => ({ address: eventsAddress, abi: artifacts.Events.abi });
// the ContractFunctionRevertedError viem found inside err
const reverted = (err) => {
  assert.ok(err instanceof ContractFunctionExecutionError, `expected ContractFunctionExecutionError, got ${err?.name}: ${err?.message}`);
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
  assert.ok(r, `no ContractFunctionRevertedError in ${err.message}`);
  return r;
};
const waitFor = (pred, what, ms = 10000) =>
  new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const v = pred();
      if (v) return resolve(v);
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });

before(() => {
  assert.ok(RPC, "ZG_RPC_URL must be set (run tests/e2e/run.sh)");
  artifacts = compile(["Token", "Events"]);
});

describe("public client over http()", () => {
  test("getChainId, getBlockNumber, getBlock by tag, number and hash", async () => {
    assert.equal(await publicClient.getChainId(), 31337);
    const n = await publicClient.getBlockNumber({ cacheTime: 0 });
    assert.equal(typeof n, "bigint");
    const latest = await publicClient.getBlock();
    assert.ok(latest.number >= n);
    assert.ok(isHash(latest.hash) && isHash(latest.parentHash) && isHash(latest.stateRoot));
    assert.equal(typeof latest.baseFeePerGas, "bigint");
    assert.ok(latest.gasLimit > 0n && typeof latest.timestamp === "bigint");
    assert.ok(Array.isArray(latest.transactions));
    const byHash = await publicClient.getBlock({ blockHash: latest.hash });
    assert.equal(byHash.number, latest.number);
    assert.deepEqual(byHash.transactions, latest.transactions);
    for (const blockTag of ["safe", "finalized", "earliest"]) {
      const b = await publicClient.getBlock({ blockTag });
      assert.ok(b.number <= latest.number && isHash(b.hash), blockTag);
    }
    const genesis = await publicClient.getBlock({ blockNumber: 0n });
    assert.equal(genesis.number, 0n);
    assert.equal(genesis.parentHash, zeroHash);
    if (latest.number > 0n) assert.equal((await publicClient.getBlock({ blockNumber: latest.number - 1n })).hash, latest.parentHash);
  });

  test("dev accounts: eth_accounts is the mnemonic's first ten, funded", async () => {
    // a client without an account asks the node (eth_accounts); one with a
    // local account would answer its own address
    const addrs = await createWalletClient({ chain, transport }).getAddresses();
    assert.equal(addrs.length, 10);
    addrs.forEach((a, i) => assert.equal(a, mnemonicToAccount(MNEMONIC, { addressIndex: i }).address));
    assert.equal(addrs[0], local.address);
    assert.equal(local.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    for (const a of addrs.slice(0, 3)) assert.ok((await publicClient.getBalance({ address: a })) > parseEther("1000"));
    assert.equal(await publicClient.getBalance({ address: randomAddress() }), 0n);
    assert.equal(await publicClient.getTransactionCount({ address: randomAddress() }), 0);
    const nonce = await publicClient.getTransactionCount({ address: local.address });
    assert.equal(typeof nonce, "number");
    assert.equal(await publicClient.getTransactionCount({ address: local.address, blockTag: "pending" }), nonce);
  });

  test("getGasPrice, estimateFeesPerGas, estimateMaxPriorityFeePerGas", async () => {
    const { baseFeePerGas } = await publicClient.getBlock();
    const gasPrice = await publicClient.getGasPrice();
    assert.ok(gasPrice >= baseFeePerGas && gasPrice > 0n);
    const tip = await publicClient.estimateMaxPriorityFeePerGas();
    assert.ok(tip >= 0n);
    const fees = await publicClient.estimateFeesPerGas();
    assert.equal(fees.maxPriorityFeePerGas, tip);
    // viem's default: 1.2 x base fee + tip
    assert.equal(fees.maxFeePerGas, (baseFeePerGas * 12n) / 10n + tip);
    const legacy = await publicClient.estimateFeesPerGas({ type: "legacy" });
    assert.equal(legacy.gasPrice, (gasPrice * 12n) / 10n);
    assert.ok((await publicClient.getBlobBaseFee()) > 0n);
  });

  test("getFeeHistory", async () => {
    const n = await publicClient.getBlockNumber({ cacheTime: 0 });
    const h = await publicClient.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
    const count = n + 1n < 4n ? Number(n + 1n) : 4;
    assert.equal(h.oldestBlock, n + 1n - BigInt(count));
    assert.equal(h.baseFeePerGas.length, count + 1); // one past the newest block
    assert.equal(h.gasUsedRatio.length, count);
    assert.equal(h.reward.length, count);
    h.reward.forEach((r) => assert.equal(r.length, 2));
    assert.ok(h.baseFeePerGas.every((b) => typeof b === "bigint" && b > 0n));
    assert.ok(h.gasUsedRatio.every((r) => r >= 0 && r <= 1));
    assert.equal(h.baseFeePerGas[count - 1], (await publicClient.getBlock({ blockNumber: n })).baseFeePerGas);
  });

  test("estimateGas of a plain transfer and of a call", async () => {
    assert.equal(await publicClient.estimateGas({ account: local.address, to: randomAddress(), value: 1n }), 21000n);
    const g = await publicClient.estimateGas({ account: local.address, to: randomAddress(), data: "0x12345678" });
    assert.ok(g > 21000n && g < 30000n, `gas ${g}`);
  });
});

describe("local account (privateKeyToAccount, eth_sendRawTransaction)", () => {
  test("sendTransaction (EIP-1559) and waitForTransactionReceipt", async () => {
    const to = randomAddress();
    const nonce = await publicClient.getTransactionCount({ address: local.address });
    const mark = rpcLog.length;
    const hash = await wallet.sendTransaction({ to, value: parseEther("0.5") });
    assert.ok(isHash(hash));
    const sent = logFrom(mark);
    assert.ok(sent.some((e) => e.method === "eth_sendRawTransaction" && !e.error));
    assert.ok(!sent.some((e) => e.method === "eth_sendTransaction"), "a local account must not ask the node to sign");
    // viem asks eth_fillTransaction first; zgnode lacks it and must say
    // "method not found" (-32601) so that viem fills the fields itself and
    // stops asking (checked in the next test)
    const fills = sent.filter((e) => e.method === "eth_fillTransaction");
    assert.equal(fills.length, 1);
    assert.ok(fills[0].error?.walk((c) => c instanceof MethodNotFoundRpcError), `eth_fillTransaction: ${fills[0].error?.message ?? "answered"}`);
    const receipt = await confirm(hash);
    assert.equal(receipt.status, "success");
    assert.equal(receipt.type, "eip1559");
    assert.ok(isAddressEqual(receipt.from, local.address) && isAddressEqual(receipt.to, to));
    assert.equal(receipt.gasUsed, 21000n);
    assert.equal(receipt.cumulativeGasUsed >= receipt.gasUsed, true);
    assert.equal(receipt.contractAddress, null);
    assert.ok(receipt.effectiveGasPrice > 0n);
    assert.deepEqual(receipt.logs, []);
    assert.equal(await publicClient.getBalance({ address: to }), parseEther("0.5"));
    assert.equal(await publicClient.getTransactionCount({ address: local.address }), nonce + 1);

    const tx = await publicClient.getTransaction({ hash });
    assert.equal(tx.type, "eip1559");
    assert.equal(tx.chainId, 31337);
    assert.equal(tx.nonce, nonce);
    assert.equal(tx.value, parseEther("0.5"));
    assert.equal(tx.blockNumber, receipt.blockNumber);
    assert.equal(tx.blockHash, receipt.blockHash);
    assert.ok(typeof tx.maxFeePerGas === "bigint" && typeof tx.maxPriorityFeePerGas === "bigint");
    assert.ok(tx.yParity === 0 || tx.yParity === 1);
    assert.deepEqual(await publicClient.getTransactionReceipt({ hash }), receipt);
    assert.ok((await publicClient.getTransactionConfirmations({ hash })) >= 1n);

    const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
    assert.ok(block.transactions.includes(hash));
    const full = await publicClient.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true });
    const inBlock = full.transactions.find((t) => t.hash === hash);
    assert.ok(inBlock, "the transaction object is in the block");
    assert.equal(inBlock.transactionIndex, receipt.transactionIndex);
    assert.equal(inBlock.value, parseEther("0.5"));
    assert.equal(
      await publicClient.getBlockTransactionCount({ blockNumber: receipt.blockNumber }),
      block.transactions.length,
    );
  });

  test("legacy and EIP-2930 transactions", async () => {
    const to = randomAddress();
    const gasPrice = (await publicClient.getGasPrice()) * 2n;
    const mark = rpcLog.length;
    const r1 = await confirm(await wallet.sendTransaction({ to, value: 1n, type: "legacy", gasPrice }));
    assert.ok(!logFrom(mark).some((e) => e.method === "eth_fillTransaction"), "viem remembers that eth_fillTransaction is missing");
    assert.equal(r1.type, "legacy");
    assert.equal(r1.effectiveGasPrice, gasPrice);
    const t1 = await publicClient.getTransaction({ hash: r1.transactionHash });
    assert.equal(t1.type, "legacy");
    assert.equal(t1.gasPrice, gasPrice);
    assert.equal(t1.chainId, 31337); // EIP-155 replay protection

    const accessList = [{ address: to, storageKeys: [zeroHash] }];
    const r2 = await confirm(await wallet.sendTransaction({ to, value: 2n, type: "eip2930", gasPrice, accessList }));
    assert.equal(r2.type, "eip2930");
    assert.equal(r2.gasUsed, 21000n + 2400n + 1900n); // one address, one key (EIP-2930)
    const t2 = await publicClient.getTransaction({ hash: r2.transactionHash });
    assert.equal(t2.type, "eip2930");
    assert.equal(t2.accessList.length, 1);
    assert.ok(isAddressEqual(t2.accessList[0].address, to));
    assert.deepEqual(t2.accessList[0].storageKeys, [zeroHash]);
    assert.equal(await publicClient.getBalance({ address: to }), 3n);
  });

  test("createAccessList: the slots and addresses a call touches, and its gas with them", async () => {
    // runtime: PUSH1 1 SLOAD POP  PUSH20 x BALANCE POP  STOP (28 bytes), behind a deployer
    const x = randomAddress();
    const runtime = `60015450 73${x.slice(2)} 3150 00`.replace(/ /g, "");
    const r0 = await confirm(await wallet.sendTransaction({ data: `0x61001c600e60003961001c6000f3${runtime}` }));
    const to = getAddress(r0.contractAddress);
    const { accessList, gasUsed } = await publicClient.createAccessList({ account: local.address, to });
    const want = [
      { address: to, storageKeys: [toHex(1n, { size: 32 })] }, // `to` only for its slot
      { address: x, storageKeys: [] },
    ].sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
    assert.equal(accessList.length, 2);
    accessList.forEach((e, i) => {
      assert.ok(isAddressEqual(e.address, want[i].address), `entry ${i}`);
      assert.deepEqual(e.storageKeys, want[i].storageKeys);
    });
    // 21000 + 2 addresses x 2400 + 1 key x 1900; warm SLOAD and BALANCE: 2 x (3 + 100 + 2)
    assert.equal(gasUsed, 21000n + 4800n + 1900n + 210n);
    const r = await confirm(await wallet.sendTransaction({ to, accessList }));
    assert.equal(r.gasUsed, gasUsed);
  });

  test("deployContract (ERC-20) and readContract", async () => {
    const hash = await wallet.deployContract({
      abi: artifacts.Token.abi,
      bytecode: artifacts.Token.bytecode,
      args: ["Zero Gravity", "ZG", parseEther("1000000")],
    });
    const receipt = await confirm(hash);
    assert.equal(receipt.status, "success");
    assert.equal(receipt.to, null);
    assert.ok(receipt.contractAddress);
    tokenAddress = getAddress(receipt.contractAddress);
    const code = await publicClient.getCode({ address: tokenAddress });
    assert.ok(code && code.length > 2);
    assert.equal(await publicClient.readContract({ ...token(), functionName: "name" }), "Zero Gravity");
    assert.equal(await publicClient.readContract({ ...token(), functionName: "symbol" }), "ZG");
    assert.equal(await publicClient.readContract({ ...token(), functionName: "decimals" }), 18);
    assert.equal(await publicClient.readContract({ ...token(), functionName: "totalSupply" }), parseEther("1000000"));
    assert.equal(
      await publicClient.readContract({ ...token(), functionName: "balanceOf", args: [local.address] }),
      parseEther("1000000"),
    );
    // the mint is in the receipt's logs
    const [mint] = parseEventLogs({ abi: artifacts.Token.abi, logs: receipt.logs, eventName: "Transfer" });
    assert.equal(mint.args.from, zeroAddress);
    assert.equal(mint.args.to, local.address);
    assert.equal(mint.args.value, parseEther("1000000"));
  });

  test("getStorageAt and getProof (eth_getProof) of the ERC-20", async () => {
    // Token's slots: name 0, symbol 1, totalSupply 2 (decimals is a constant)
    const slot = toHex(2n, { size: 32 });
    assert.equal(await publicClient.getStorageAt({ address: tokenAddress, slot }), toHex(parseEther("1000000"), { size: 32 }));
    const proof = await publicClient.getProof({ address: tokenAddress, storageKeys: [slot] });
    assert.ok(isAddressEqual(proof.address, tokenAddress));
    assert.equal(proof.nonce, 1); // EIP-161: contracts start at nonce 1
    assert.equal(proof.balance, 0n);
    assert.equal(proof.codeHash, keccak256(await publicClient.getCode({ address: tokenAddress })));
    assert.ok(proof.accountProof.length > 0 && isHash(proof.storageHash));
    assert.equal(proof.storageProof.length, 1);
    assert.equal(proof.storageProof[0].value, parseEther("1000000"));
    assert.ok(proof.storageProof[0].proof.length > 0);
    // the account proof's first node is the state root's preimage
    const { stateRoot } = await publicClient.getBlock();
    assert.equal(keccak256(proof.accountProof[0]), stateRoot);
  });

  test("simulateContract then writeContract transfer; Transfer in the receipt", async () => {
    const to = randomAddress();
    const { result, request } = await publicClient.simulateContract({
      ...token(),
      account: local,
      functionName: "transfer",
      args: [to, 1234n],
    });
    assert.equal(result, true);
    const receipt = await confirm(await wallet.writeContract(request));
    assert.equal(receipt.status, "success");
    assert.equal(await publicClient.readContract({ ...token(), functionName: "balanceOf", args: [to] }), 1234n);
    const logs = parseEventLogs({ abi: artifacts.Token.abi, logs: receipt.logs });
    assert.equal(logs.length, 1);
    assert.equal(logs[0].eventName, "Transfer");
    assert.deepEqual(logs[0].args, { from: local.address, to, value: 1234n });
    assert.equal(logs[0].address, tokenAddress.toLowerCase());
    assert.equal(logs[0].transactionHash, receipt.transactionHash);
    assert.equal(logs[0].blockNumber, receipt.blockNumber);
    // writeContract with no simulation, explicit gas estimate
    const gas = await publicClient.estimateContractGas({ ...token(), account: local, functionName: "transfer", args: [to, 1n] });
    assert.ok(gas > 21000n && gas < 100000n, `gas ${gas}`);
    const r2 = await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [to, 1n], gas }));
    assert.equal(r2.status, "success");
    assert.ok(r2.gasUsed <= gas);
    assert.equal(await publicClient.readContract({ ...token(), functionName: "balanceOf", args: [to] }), 1235n);
  });
});

describe("JSON-RPC account (the node signs)", () => {
  const addr1 = mnemonicToAccount(MNEMONIC, { addressIndex: 1 }).address;
  const node1 = createWalletClient({ chain, transport, account: addr1, pollingInterval: 100 });
  const node0 = createWalletClient({ chain, transport, account: local.address, pollingInterval: 100 });

  test("sendTransaction and writeContract go through eth_sendTransaction", async () => {
    const to = randomAddress();
    const mark = rpcLog.length;
    const hash = await node1.sendTransaction({ to, value: 777n });
    const sent = logFrom(mark).filter((e) => e.method === "eth_sendTransaction");
    assert.equal(sent.length, 1);
    assert.ok(!sent[0].error);
    assert.ok(isAddressEqual(sent[0].params[0].from, addr1));
    const receipt = await confirm(hash);
    assert.equal(receipt.status, "success");
    assert.ok(isAddressEqual(receipt.from, addr1));
    assert.equal(await publicClient.getBalance({ address: to }), 777n);

    await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [addr1, 500n] }));
    const dest = randomAddress();
    const r = await confirm(await node1.writeContract({ ...token(), functionName: "transfer", args: [dest, 200n] }));
    assert.ok(isAddressEqual(r.from, addr1));
    assert.equal(await publicClient.readContract({ ...token(), functionName: "balanceOf", args: [dest] }), 200n);
    assert.equal(await publicClient.readContract({ ...token(), functionName: "balanceOf", args: [addr1] }), 300n);
  });

  test("signTransaction (eth_signTransaction) then sendRawTransaction", async () => {
    const to = randomAddress();
    const request = await node1.prepareTransactionRequest({ to, value: 5n });
    const raw = await node1.signTransaction(request);
    const hash = await publicClient.sendRawTransaction({ serializedTransaction: raw });
    assert.equal(hash, keccak256(raw));
    const receipt = await confirm(hash);
    assert.ok(isAddressEqual(receipt.from, addr1));
    assert.equal(await publicClient.getBalance({ address: to }), 5n);
  });

  test("signMessage (personal_sign) verified with verifyMessage", async () => {
    const message = "hello zgnode from viem";
    const signature = await node1.signMessage({ message });
    assert.ok(await verifyMessage({ address: addr1, message, signature }));
    assert.equal(await recoverMessageAddress({ message, signature }), addr1);
    assert.equal(await verifyMessage({ address: local.address, message, signature }), false);
    // a raw byte message
    const raw = await node1.signMessage({ message: { raw: "0xdeadbeef00" } });
    assert.ok(await verifyMessage({ address: addr1, message: { raw: "0xdeadbeef00" }, signature: raw }));
    // the node and a local account with the same key sign identically (RFC 6979)
    assert.equal(await node0.signMessage({ message }), await local.signMessage({ message }));
    // the public client's verifyMessage (ERC-6492 validator, then ecrecover)
    assert.equal(await publicClient.verifyMessage({ address: addr1, message, signature }), true);
    assert.equal(await publicClient.verifyMessage({ address: local.address, message, signature }), false);
  });

  test("signTypedData (eth_signTypedData_v4) verified with verifyTypedData", async () => {
    const typed = {
      domain: { name: "Ether Mail", version: "1", chainId: 31337, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
      types: {
        Person: [
          { name: "name", type: "string" },
          { name: "wallet", type: "address" },
        ],
        Mail: [
          { name: "from", type: "Person" },
          { name: "to", type: "Person[]" },
          { name: "contents", type: "string" },
          { name: "amount", type: "uint256" },
          { name: "tag", type: "bytes32" },
        ],
      },
      primaryType: "Mail",
      message: {
        from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
        to: [{ name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" }],
        contents: "Hello, Bob!",
        amount: 12345678901234567890n,
        tag: keccak256(toHex("tag")),
      },
    };
    const signature = await node1.signTypedData(typed);
    assert.ok(await verifyTypedData({ address: addr1, ...typed, signature }));
    assert.ok(await publicClient.verifyTypedData({ address: addr1, ...typed, signature }));
    assert.equal(await verifyTypedData({ address: local.address, ...typed, signature }), false);
    assert.equal(await node0.signTypedData(typed), await local.signTypedData(typed));
  });
});

describe("deployless calls (eth_call with no \"to\")", () => {
  // viem runs code that is not deployed by eth_call'ing creation code whose
  // constructor returns the answer; like geth, the node must return what the
  // init code returned
  test("readContract({ code }) runs a contract without deploying it", async () => {
    const v = await publicClient.readContract({
      abi: artifacts.Events.abi,
      code: artifacts.Events.bytecode,
      functionName: "failRequire",
      args: [11n],
    });
    assert.equal(v, 11n);
  });

  test("verifyMessage's ERC-6492 validator answers 'valid' itself (no ecrecover fallback)", async () => {
    const addr1 = mnemonicToAccount(MNEMONIC, { addressIndex: 1 }).address;
    const node1 = createWalletClient({ chain, transport, account: addr1 });
    const message = "deployless";
    const signature = await node1.signMessage({ message });
    const mark = rpcLog.length;
    assert.equal(await publicClient.verifyMessage({ address: addr1, message, signature }), true);
    const calls = logFrom(mark).filter((e) => e.method === "eth_call");
    assert.equal(calls.length, 1);
    assert.equal(calls[0].params[0].to, undefined);
    assert.ok(!calls[0].error, `the validator's eth_call failed: ${calls[0].error?.message}`);
    assert.match(calls[0].result ?? "", /^0x0*1$/, `the validator returns true, not ${calls[0].result}`);
  });
});

describe("reverts decoded by viem", () => {
  test("deploy the events contract", async () => {
    const receipt = await confirm(await wallet.deployContract({ abi: artifacts.Events.abi, bytecode: artifacts.Events.bytecode }));
    eventsAddress = getAddress(receipt.contractAddress);
    assert.equal(await publicClient.readContract({ ...events(), functionName: "counter" }), 0n);
  });

  test("revert(string): simulateContract -> ContractFunctionRevertedError with the reason", async () => {
    const err = await publicClient
      .simulateContract({ ...events(), account: local, functionName: "fail", args: ["boom"] })
      .then(() => assert.fail("did not revert"), (e) => e);
    const r = reverted(err);
    assert.equal(r.reason, "boom");
    assert.equal(r.data?.errorName, "Error");
    assert.deepEqual(r.data?.args, ["boom"]);
    assert.match(err.shortMessage, /reverted with the following reason:\nboom/);
  });

  test("require: readContract and estimateContractGas carry the reason", async () => {
    const err = await publicClient.readContract({ ...events(), functionName: "failRequire", args: [3n] }).catch((e) => e);
    assert.equal(reverted(err).reason, "x too small");
    assert.equal(await publicClient.readContract({ ...events(), functionName: "failRequire", args: [11n] }), 11n);
    const g = await publicClient
      .estimateContractGas({ ...events(), account: local, functionName: "fail", args: ["nope"] })
      .catch((e) => e);
    assert.equal(reverted(g).reason, "nope");
  });

  test("custom errors are decoded with their arguments", async () => {
    const err = await publicClient.simulateContract({ ...events(), account: local, functionName: "failCustom" }).catch((e) => e);
    const r = reverted(err);
    assert.equal(r.data?.errorName, "Custom");
    assert.deepEqual(r.data?.args, [7n, "seven"]);
    // the ERC-20's InsufficientBalance from an empty account
    const poor = randomAddress();
    const e2 = await publicClient
      .simulateContract({ ...token(), account: poor, functionName: "transfer", args: [local.address, 1n] })
      .catch((e) => e);
    const r2 = reverted(e2);
    assert.equal(r2.data?.errorName, "InsufficientBalance");
    assert.deepEqual(r2.data?.args, [poor, 0n, 1n]);
    const e3 = await publicClient
      .simulateContract({ ...token(), account: local, functionName: "transferFrom", args: [poor, local.address, 1n] })
      .catch((e) => e);
    assert.equal(reverted(e3).reason, "ERC20: insufficient allowance");
  });

  test("panic (division by zero)", async () => {
    const err = await publicClient.readContract({ ...events(), functionName: "divide", args: [1n, 0n] }).catch((e) => e);
    const r = reverted(err);
    assert.equal(r.data?.errorName, "Panic");
    assert.deepEqual(r.data?.args, [0x12n]);
    assert.match(r.reason, /division or modulo by zero/i);
  });

  test("a mined revert: status 'reverted', state unchanged", async () => {
    const hash = await wallet.writeContract({ ...events(), functionName: "storeThenFail", args: [9n], gas: 100000n });
    const receipt = await confirm(hash);
    assert.equal(receipt.status, "reverted");
    assert.deepEqual(receipt.logs, []);
    assert.equal(await publicClient.readContract({ ...events(), functionName: "notes", args: [9n] }), "");
  });
});

describe("errors viem recognises", () => {
  test("nonce too low -> NonceTooLowError", async () => {
    const err = await wallet.sendTransaction({ to: local.address, value: 1n, nonce: 0 }).catch((e) => e);
    assert.ok(err.walk?.((e) => e instanceof NonceTooLowError), `got ${err?.name}: ${err?.message}`);
  });

  test("insufficient funds -> InsufficientFundsError", async () => {
    const poor = createWalletClient({ chain, transport, account: privateKeyToAccount(generatePrivateKey()) });
    const err = await poor
      .sendTransaction({ to: local.address, value: 1n, gas: 21000n, maxFeePerGas: parseGwei("10"), maxPriorityFeePerGas: 1n })
      .catch((e) => e);
    assert.ok(err.walk?.((e) => e instanceof InsufficientFundsError), `got ${err?.name}: ${err?.message}`);
  });
});

describe("logs and filters over http()", () => {
  test("getContractEvents and getLogs with an event and indexed args", async () => {
    const minted = await publicClient.getContractEvents({
      ...token(),
      eventName: "Transfer",
      args: { from: zeroAddress },
      fromBlock: 0n,
    });
    assert.equal(minted.length, 1);
    assert.equal(minted[0].args.value, parseEther("1000000"));
    const sent = await publicClient.getContractEvents({ ...token(), eventName: "Transfer", args: { from: local.address }, fromBlock: 0n });
    assert.ok(sent.length >= 3);
    assert.ok(sent.every((l) => l.args.from === local.address && l.eventName === "Transfer"));
    // blocks ascending, log indexes numbers
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i].blockNumber >= sent[i - 1].blockNumber);

    const to = randomAddress();
    const receipt = await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [to, 42n] }));
    const logs = await publicClient.getLogs({
      address: tokenAddress,
      event: TRANSFER,
      args: { to },
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    assert.equal(logs.length, 1);
    assert.deepEqual(logs[0].args, { from: local.address, to, value: 42n });
    assert.equal(logs[0].transactionHash, receipt.transactionHash);
    assert.equal(logs[0].blockHash, receipt.blockHash);
    assert.equal(logs[0].logIndex, receipt.logs[0].logIndex);
    assert.equal(logs[0].removed, false);
    // by block hash, and with several events (topic0 OR)
    const byHash = await publicClient.getLogs({
      address: tokenAddress,
      events: [TRANSFER, parseAbiItem("event Approval(address indexed owner, address indexed spender, uint256 value)")],
      blockHash: receipt.blockHash,
    });
    assert.equal(byHash.length, 1);
    assert.equal(byHash[0].eventName, "Transfer");
    // an argument nobody used matches nothing
    assert.deepEqual(await publicClient.getLogs({ address: tokenAddress, event: TRANSFER, args: { to: randomAddress() }, fromBlock: 0n }), []);
  });

  test("createContractEventFilter / createEventFilter + getFilterChanges, getFilterLogs", async () => {
    const to = randomAddress();
    // fromBlock: without one, eth_getFilterLogs looks at the latest block only (as geth)
    const fromBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const f1 = await publicClient.createContractEventFilter({ ...token(), eventName: "Transfer", args: { to }, fromBlock });
    const f2 = await publicClient.createEventFilter({ address: tokenAddress, event: TRANSFER, args: { to }, fromBlock });
    const fb = await publicClient.createBlockFilter();
    const fp = await publicClient.createPendingTransactionFilter();
    assert.deepEqual(await publicClient.getFilterChanges({ filter: f1 }), []);
    const receipt = await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [to, 9n] }));
    await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [randomAddress(), 8n] }));
    for (const f of [f1, f2]) {
      const changes = await publicClient.getFilterChanges({ filter: f });
      assert.equal(changes.length, 1);
      assert.equal(changes[0].eventName, "Transfer");
      assert.deepEqual(changes[0].args, { from: local.address, to, value: 9n });
      assert.equal(changes[0].transactionHash, receipt.transactionHash);
      assert.deepEqual(await publicClient.getFilterChanges({ filter: f }), []);
      const all = await publicClient.getFilterLogs({ filter: f });
      assert.equal(all.length, 1);
      assert.equal(all[0].args.value, 9n);
    }
    const blocks = await publicClient.getFilterChanges({ filter: fb });
    assert.ok(blocks.includes(receipt.blockHash));
    const pending = await publicClient.getFilterChanges({ filter: fp });
    assert.ok(pending.includes(receipt.transactionHash));
    for (const f of [f1, f2, fb, fp]) assert.equal(await publicClient.uninstallFilter({ filter: f }), true);
    assert.equal(await publicClient.uninstallFilter({ filter: f1 }), false);
  });

  test("watchContractEvent polls eth_newFilter / eth_getFilterChanges", async () => {
    const seen = [];
    const errors = [];
    const mark = rpcLog.length;
    const unwatch = publicClient.watchContractEvent({
      ...token(),
      eventName: "Transfer",
      onLogs: (logs) => seen.push(...logs),
      onError: (e) => errors.push(e),
    });
    try {
      await waitFor(() => logFrom(mark).some((e) => e.method === "eth_newFilter" && e.result), "eth_newFilter");
      const to = randomAddress();
      const receipt = await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [to, 77n] }));
      await waitFor(() => seen.some((l) => l.args.to === to), "the Transfer");
      const ev = seen.find((l) => l.args.to === to);
      assert.equal(ev.args.value, 77n);
      assert.equal(ev.transactionHash, receipt.transactionHash);
    } finally {
      unwatch();
    }
    assert.deepEqual(errors, []);
    const used = logFrom(mark);
    assert.ok(!used.some((e) => e.error), `failed requests: ${used.filter((e) => e.error).map((e) => e.method)}`);
    assert.ok(!used.some((e) => e.method === "eth_getLogs"), "viem fell back from filters to eth_getLogs");
  });

  test("watchBlockNumber polls over http()", async () => {
    const seen = [];
    const unwatch = publicClient.watchBlockNumber({ onBlockNumber: (n) => seen.push(n), pollingInterval: 50 });
    try {
      await waitFor(() => seen.length > 0, "the first block number");
      const receipt = await confirm(await wallet.sendTransaction({ to: randomAddress(), value: 1n }));
      await waitFor(() => seen.includes(receipt.blockNumber), `block ${receipt.blockNumber}`);
    } finally {
      unwatch();
    }
  });
});

describe("webSocket() transport (eth_subscribe)", () => {
  let ws, socket;
  // the watchers subscribe in the background: wait for the node's answers
  // to eth_subscribe (viem keeps its subscriptions by id), and after
  // unwatching, for eth_unsubscribe's answers
  const subscribed = (n) => waitFor(() => socket.subscriptions.size === n, `${n} subscriptions`);
  const settled = () => waitFor(() => socket.subscriptions.size === 0 && socket.requests.size === 0, "eth_unsubscribe");
  before(async () => {
    ws = createPublicClient({ chain, transport: webSocket(WS, { retryCount: 0, reconnect: false }), pollingInterval: 100 });
    socket = await ws.transport.getRpcClient();
  });
  after(() => socket?.close());

  test("requests over the socket", async () => {
    assert.equal(await ws.getChainId(), 31337);
    const n = await ws.getBlockNumber({ cacheTime: 0 });
    assert.equal((await ws.getBlock({ blockNumber: n })).hash, (await publicClient.getBlock({ blockNumber: n })).hash);
    assert.equal(await ws.readContract({ ...token(), functionName: "decimals" }), 18);
  });

  test("watchContractEvent and watchEvent receive logs", async () => {
    const stored = [];
    const transfers = [];
    const errors = [];
    const onError = (e) => errors.push(e);
    const u1 = ws.watchContractEvent({
      ...events(),
      eventName: "Stored",
      args: { key: 7n },
      poll: false,
      onLogs: (logs) => stored.push(...logs),
      onError,
    });
    const to = randomAddress();
    const u2 = ws.watchEvent({ address: tokenAddress, event: TRANSFER, args: { to }, poll: false, onLogs: (l) => transfers.push(...l), onError });
    try {
      await subscribed(2);
      await confirm(await wallet.writeContract({ ...events(), functionName: "store", args: [8n, "other key"] }));
      const receipt = await confirm(await wallet.writeContract({ ...events(), functionName: "store", args: [7n, "pushed"] }));
      await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [to, 31n] }));
      await waitFor(() => stored.length > 0 && transfers.length > 0, "pushed logs");
      // the node pushes in order: the key-8 log (had it matched) came before
      assert.equal(stored.length, 1, "only key 7 matches");
      assert.equal(stored[0].eventName, "Stored");
      assert.deepEqual(stored[0].args, { who: local.address, key: 7n, note: "pushed" });
      assert.equal(stored[0].transactionHash, receipt.transactionHash);
      assert.equal(stored[0].blockNumber, receipt.blockNumber);
      assert.equal(transfers.length, 1);
      assert.deepEqual(transfers[0].args, { from: local.address, to, value: 31n });
    } finally {
      u1();
      u2();
    }
    await settled();
    assert.deepEqual(errors, []);
  });

  test("watchBlockNumber and watchBlocks (newHeads)", async () => {
    const numbers = [];
    const plain = [];
    const full = [];
    const errors = [];
    const onError = (e) => errors.push(e);
    const u1 = ws.watchBlockNumber({ poll: false, onBlockNumber: (n) => numbers.push(n), onError });
    const u2 = ws.watchBlocks({ poll: false, onBlock: (b) => plain.push(b), onError });
    const u3 = ws.watchBlocks({ poll: false, includeTransactions: true, onBlock: (b) => full.push(b), onError });
    try {
      await subscribed(3);
      const receipt = await confirm(await wallet.sendTransaction({ to: randomAddress(), value: 1n }));
      const find = (list) => list.find((b) => b?.number === receipt.blockNumber);
      await waitFor(() => numbers.includes(receipt.blockNumber) && find(plain) && find(full), `block ${receipt.blockNumber} from every watcher`);
      assert.equal(find(plain).hash, receipt.blockHash);
      assert.ok(find(plain).transactions.includes(receipt.transactionHash));
      const tx = find(full).transactions.find((t) => t.hash === receipt.transactionHash);
      assert.equal(tx?.blockNumber, receipt.blockNumber);
      assert.equal(tx?.from, local.address.toLowerCase());
    } finally {
      u1();
      u2();
      u3();
    }
    await settled();
    assert.deepEqual(errors, []);
  });

  test("watchPendingTransactions (newPendingTransactions)", async () => {
    const seen = [];
    const errors = [];
    const u = ws.watchPendingTransactions({ poll: false, onTransactions: (h) => seen.push(...h), onError: (e) => errors.push(e) });
    try {
      await subscribed(1);
      const hash = await wallet.sendTransaction({ to: randomAddress(), value: 1n });
      await waitFor(() => seen.includes(hash), "the pending hash");
      await confirm(hash);
    } finally {
      u();
    }
    await settled();
    assert.deepEqual(errors, []);
  });
});

describe("test client (mode 'hardhat')", () => {
  const mine = () => testClient.request({ method: "evm_mine", params: [] });

  test("evm_mine seals an empty block", async () => {
    const n = await publicClient.getBlockNumber({ cacheTime: 0 });
    await mine();
    const b = await publicClient.getBlock();
    assert.equal(b.number, n + 1n);
    assert.deepEqual(b.transactions, []);
  });

  test("mine({ blocks, interval }) (hardhat_mine) seals blocks that far apart", async () => {
    const before = await publicClient.getBlock();
    await testClient.mine({ blocks: 3, interval: 50 });
    const last = await publicClient.getBlock();
    assert.equal(last.number, before.number + 3n);
    const mid = await publicClient.getBlock({ blockNumber: before.number + 2n });
    assert.equal(last.timestamp - mid.timestamp, 50n);
    assert.ok(mid.timestamp > before.timestamp);
  });

  test("snapshot / revert", async () => {
    const to = randomAddress();
    const n = await publicClient.getBlockNumber({ cacheTime: 0 });
    const head = await publicClient.getBlock();
    const id = await testClient.snapshot();
    assert.match(id, /^0x[0-9a-f]+$/);
    await confirm(await wallet.sendTransaction({ to, value: 99n }));
    await confirm(await wallet.writeContract({ ...token(), functionName: "transfer", args: [to, 5n] }));
    assert.equal(await publicClient.getBalance({ address: to }), 99n);
    assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), n + 2n);
    await testClient.revert({ id });
    assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), n);
    assert.equal((await publicClient.getBlock()).hash, head.hash);
    assert.equal(await publicClient.getBalance({ address: to }), 0n);
    assert.equal(await publicClient.readContract({ ...token(), functionName: "balanceOf", args: [to] }), 0n);
    // the chain goes on from there
    const r = await confirm(await wallet.sendTransaction({ to, value: 1n }));
    assert.equal(r.blockNumber, n + 1n);
    assert.equal(await publicClient.getBalance({ address: to }), 1n);
  });

  test("increaseTime and setNextBlockTimestamp", async () => {
    const before = (await publicClient.getBlock()).timestamp;
    // instant blocks can run ahead of the clock (each is at least its
    // parent + 1 s), so the hour is counted from the clock
    const now = BigInt(Math.floor(Date.now() / 1000));
    await testClient.increaseTime({ seconds: 3600 });
    await mine();
    const t1 = (await publicClient.getBlock()).timestamp;
    assert.ok(t1 > before && t1 >= now + 3600n, `timestamp ${t1}: clock ${now} + 3600, previous block ${before}`);
    await testClient.setNextBlockTimestamp({ timestamp: t1 + 1000n });
    await mine();
    assert.equal((await publicClient.getBlock()).timestamp, t1 + 1000n);
    // a contract sees it
    const [, ts] = await publicClient.readContract({ ...events(), functionName: "blockInfo" });
    assert.equal(ts, t1 + 1000n);
  });

  test("setAutomine(false): transactions wait in the pool until evm_mine", async () => {
    const to = randomAddress();
    await testClient.setAutomine(false);
    try {
      const n = await publicClient.getBlockNumber({ cacheTime: 0 });
      const nonce = await publicClient.getTransactionCount({ address: local.address });
      const h1 = await wallet.sendTransaction({ to, value: 10n });
      // viem reads the pending nonce, so a second one queues behind the first
      const h2 = await wallet.sendTransaction({ to, value: 20n });
      assert.equal(await publicClient.getTransactionCount({ address: local.address, blockTag: "pending" }), nonce + 2);
      await assert.rejects(publicClient.getTransactionReceipt({ hash: h1 }), TransactionReceiptNotFoundError);
      const pending = await publicClient.getTransaction({ hash: h1 });
      assert.equal(pending.blockNumber, null);
      assert.equal(pending.blockHash, null);
      assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), n);
      await mine();
      const [r1, r2] = [await confirm(h1), await confirm(h2)];
      assert.equal(r1.blockNumber, n + 1n);
      assert.equal(r2.blockNumber, n + 1n);
      assert.ok(r2.transactionIndex > r1.transactionIndex);
      assert.equal(await publicClient.getBalance({ address: to }), 30n);
    } finally {
      await testClient.setAutomine(true);
    }
    const r = await confirm(await wallet.sendTransaction({ to, value: 1n }));
    assert.equal(r.status, "success");
  });

  test("setIntervalMining seals empty blocks on a timer", async () => {
    const n = await publicClient.getBlockNumber({ cacheTime: 0 });
    await testClient.setIntervalMining({ interval: 1 }); // seconds; viem sends 1000 ms in hardhat mode
    let seen = n;
    const poll = setInterval(() => publicClient.getBlockNumber({ cacheTime: 0 }).then((b) => (seen = b), () => {}), 50);
    try {
      await waitFor(() => seen >= n + 2n, "two blocks sealed by the timer");
    } finally {
      clearInterval(poll);
      await testClient.setAutomine(true);
    }
    const m = await publicClient.getBlockNumber({ cacheTime: 0 });
    for (const b of [n + 1n, n + 2n]) assert.deepEqual((await publicClient.getBlock({ blockNumber: b })).transactions, []);
    // back to instant mining: the next transaction gets the next block
    const r = await confirm(await wallet.sendTransaction({ to: randomAddress(), value: 1n }));
    assert.equal(r.blockNumber, m + 1n);
  });
});
