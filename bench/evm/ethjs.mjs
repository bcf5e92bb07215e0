// bench/evm/ethjs.mjs — the bench/evm workloads on @ethereumjs/evm, for the
// ratio printed by bench/evm/run.sh (which installs the package in a
// temporary directory and copies this script next to it).
//   node ethjs.mjs NAME CODE_HEX DATA_HEX|- [seconds]
// Deploys CODE at 0xc0de.., calls it with DATA from a funded sender in a
// loop (runCall), and prints {"workload":..,"mgas_per_s":..} counting
// executionGasUsed, best of 5 runs.
// NAME erc20 (DATA -) replays bench/evm's ERC-20 transfers instead: the
// same senders and calldata per sequence number, both balance slots preset
// to 2^64 as bench/evm's host has them (set in batches of 100 outside the
// timed intervals), so each transfer does the same cold SLOADs and
// nonzero -> nonzero SSTOREs.  runCall has no transaction around it, so the
// figure counts execution gas; gas_per_tx also reports it plus the
// intrinsic gas (21000 + calldata) that bench/evm's transactions pay.
import { createEVM } from '@ethereumjs/evm'
import { Account, createAddressFromString, hexToBytes, setLengthLeft, bigIntToBytes } from '@ethereumjs/util'
// @noble/hashes comes with @ethereumjs/util (a dependency of it)
import { keccak_256 } from '@noble/hashes/sha3.js'

const [name, codeHex, dataHex, secs = '1'] = process.argv.slice(2)
const runMs = Number(secs) * 1000
const evm = await createEVM()
const to = createAddressFromString('0xc0de000000000000000000000000000000000000')
const caller = createAddressFromString('0x5e00000000000000000000000000000000000000')
await evm.stateManager.putAccount(to, new Account(1n, 0n))
await evm.stateManager.putCode(to, hexToBytes('0x' + codeHex))
await evm.stateManager.putAccount(caller, new Account(0n, 10n ** 24n))
const data = dataHex === '-' ? new Uint8Array() : hexToBytes('0x' + dataHex)

async function once() {
  const r = await evm.runCall({ to, caller, origin: caller, data, gasLimit: 29000000n, skipBalance: true })
  if (r.execResult.exceptionError) throw new Error(`${name}: ${r.execResult.exceptionError.error}`)
  return r.execResult.executionGasUsed
}

if (name === 'erc20') {
  // bench/evm's layout: sender 0x5e00..(seq LE at byte 16), recipient
  // 0xaa00..(seq LE at byte 16), transfer(recipient, 1000)
  const seqLE = (s) => Uint8Array.of(s & 255, (s >>> 8) & 255, (s >>> 16) & 255, (s >>> 24) & 255)
  const addr = (b0, s) => {
    const a = new Uint8Array(20)
    a[0] = b0
    a.set(seqLE(s), 16)
    return a
  }
  const slot = (a) => {
    const k = new Uint8Array(64)
    k.set(a, 12)
    return keccak_256(k)
  }
  const two64 = setLengthLeft(bigIntToBytes(1n << 64n), 32)
  const batch = 100
  let seq = 1
  async function runBatch() {
    const txs = []
    for (let i = 0; i < batch; i++, seq++) {
      const from = addr(0x5e, seq), toA = addr(0xaa, seq)
      await evm.stateManager.putStorage(to, slot(from), two64)
      await evm.stateManager.putStorage(to, slot(toA), two64)
      const d = new Uint8Array(68)
      d.set([0xa9, 0x05, 0x9c, 0xbb])
      d.set(toA, 4 + 12)
      d[4 + 32 + 30] = 0x03
      d[4 + 32 + 31] = 0xe8
      let intrinsic = 21000n
      for (const b of d) intrinsic += b ? 16n : 4n
      txs.push({ caller: createAddressFromString('0x' + Buffer.from(from).toString('hex')), data: d, intrinsic })
    }
    let exec = 0n, intr = 0n
    const t0 = performance.now()
    for (const t of txs) {
      const r = await evm.runCall({ to, caller: t.caller, origin: t.caller, data: t.data, gasLimit: 200000n - t.intrinsic, skipBalance: true })
      if (r.execResult.exceptionError) throw new Error(`erc20: ${r.execResult.exceptionError.error}`)
      exec += r.execResult.executionGasUsed
      intr += t.intrinsic
    }
    return { ms: performance.now() - t0, exec, intr }
  }
  await runBatch()
  let best = null
  for (let i = 0; i < 5; i++) {
    let ms = 0, exec = 0n, intr = 0n, n = 0
    do {
      const b = await runBatch()
      ms += b.ms, exec += b.exec, intr += b.intr, n += batch
    } while (ms < runMs)
    const mgs = Number(exec) / (ms / 1000) / 1e6
    if (!best || mgs > best.mgs) best = { mgs, ms, exec, intr, n }
  }
  console.log(JSON.stringify({
    workload: name,
    mgas_per_s: Number(best.mgs.toFixed(2)),
    tx_mgas_per_s: Number((Number(best.exec + best.intr) / (best.ms / 1000) / 1e6).toFixed(2)),
    exec_gas_per_tx: Number(best.exec) / best.n,
    gas_per_tx: Number(best.exec + best.intr) / best.n,
  }))
  process.exit(0)
}

await once()
let best = 0
for (let i = 0; i < 5; i++) {
  let gas = 0n
  const t0 = performance.now()
  let t
  do {
    gas += await once()
  } while ((t = performance.now() - t0) < runMs)
  const mgs = Number(gas) / (t / 1000) / 1e6
  if (mgs > best) best = mgs
}
console.log(JSON.stringify({ workload: name, mgas_per_s: Number(best.toFixed(2)) }))
