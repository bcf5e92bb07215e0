// bench/evm/ethjs.mjs — the bench/evm workloads on @ethereumjs/evm, for the
// ratio printed by bench/evm/run.sh (which installs the package in a
// temporary directory and copies this script next to it).
//   node ethjs.mjs NAME CODE_HEX DATA_HEX|- [seconds]
// Deploys CODE at 0xc0de.., calls it with DATA from a funded sender in a
// loop (runCall), and prints {"workload":..,"mgas_per_s":..} counting
// executionGasUsed, best of 5 runs.
import { createEVM } from '@ethereumjs/evm'
import { Account, createAddressFromString, hexToBytes } from '@ethereumjs/util'

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
