// A small Hardhat project whose tests run against zgnode as an external
// network (tests/e2e/run.sh sets ZG_RPC_URL).  Solidity is compiled with
// solc-js from node_modules instead of a downloaded native compiler.
require("@nomicfoundation/hardhat-ethers");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");

const solcVersion = require("solc/package.json").version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  if (args.solcVersion !== solcVersion) return runSuper();
  const long = require("solc").version().replace(/\.Emscripten.*$/, "");
  return { compilerPath: require.resolve("solc/soljson.js"), isSolcJs: true, version: solcVersion, longVersion: long };
});

module.exports = {
  solidity: { version: solcVersion, settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } } },
  defaultNetwork: "zgnode",
  networks: {
    zgnode: { url: process.env.ZG_RPC_URL || "http://127.0.0.1:8545", accounts: "remote", timeout: 60000 },
  },
  paths: { cache: process.env.HARDHAT_CACHE || "./cache", artifacts: process.env.HARDHAT_ARTIFACTS || "./artifacts" },
  mocha: { timeout: 60000 },
};
