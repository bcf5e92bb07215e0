// Hardhat tests run unchanged against zgnode (network "zgnode").
const assert = require("node:assert/strict");
const { ethers, network } = require("hardhat");

describe("Token on zgnode", function () {
  let token, owner, alice, bob;

  before(async function () {
    [owner, alice, bob] = await ethers.getSigners();
    token = await ethers.deployContract("Token", ["Zero Gravity", "ZG", 1000000n]);
    await token.waitForDeployment();
  });

  it("runs on chain 31337 with funded dev accounts", async function () {
    assert.equal(network.name, "zgnode");
    const { chainId } = await ethers.provider.getNetwork();
    assert.equal(chainId, 31337n);
    assert.equal(owner.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assert.ok((await ethers.provider.getBalance(alice.address)) > 0n);
  });

  it("mints the supply to the deployer", async function () {
    assert.equal(await token.balanceOf(owner.address), 1000000n);
    assert.equal(await token.symbol(), "ZG");
  });

  it("transfers between accounts and emits Transfer", async function () {
    const receipt = await (await token.transfer(alice.address, 250n)).wait();
    assert.equal(await token.balanceOf(alice.address), 250n);
    const ev = receipt.logs.map((l) => token.interface.parseLog(l)).find((e) => e && e.name === "Transfer");
    assert.equal(ev.args.to, alice.address);
  });

  it("allowances and transferFrom", async function () {
    await (await token.connect(alice).approve(bob.address, 100n)).wait();
    await (await token.connect(bob).transferFrom(alice.address, bob.address, 60n)).wait();
    assert.equal(await token.balanceOf(bob.address), 60n);
    assert.equal(await token.allowance(alice.address, bob.address), 40n);
  });

  it("reverts with readable reasons", async function () {
    await assert.rejects(token.connect(bob).transferFrom(alice.address, bob.address, 1000n), (e) =>
      /insufficient allowance/.test(e.message),
    );
    await assert.rejects(token.connect(bob).transfer(alice.address, 10n ** 9n), (e) => /InsufficientBalance|reverted/.test(e.message));
  });
});
