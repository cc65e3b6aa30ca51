// Example client: derives the address of a hex private key, queries its balance, builds, signs and broadcasts a
// transfer, waits until it is committed, and prints the tx hash and the new balances.
//
//   npx tsx src/transfer.ts --node 127.0.0.1:26601 --key <64 hex> --to chain1... --amount 1500
//
// Options (or environment variables): --node (CHAIN_NODE, default 127.0.0.1:9090), --key (CHAIN_PRIVATE_KEY),
// --to, --amount (uchn), --fee (uchn, default 2000), --gas (default 200000), --memo, --json (one JSON line at the end).
import { parseArgs } from "node:util";
import { NodeClient, TxBuilder, keyFromHex, addressFromBech32, baseDenom, bytesToHex } from "./chain.js";

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

function positive(name: string, text: string | undefined, fallback?: bigint): bigint {
  if (text === undefined) {
    if (fallback === undefined) fail(`--${name} is required`);
    return fallback;
  }
  if (!/^[0-9]{1,20}$/.test(text) || BigInt(text) === 0n || BigInt(text) > 0xffffffffffffffffn) {
    fail(`--${name}: expected a whole number from 1 to 2^64-1, got '${text}'`);
  }
  return BigInt(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      node: { type: "string" },
      key: { type: "string" },
      to: { type: "string" },
      amount: { type: "string" },
      fee: { type: "string" },
      gas: { type: "string" },
      memo: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  const node = values.node ?? process.env.CHAIN_NODE ?? "127.0.0.1:9090";
  const keyHex = values.key ?? process.env.CHAIN_PRIVATE_KEY ?? fail("--key (or CHAIN_PRIVATE_KEY) is required: the sender's private key, 64 hex digits");
  const to = values.to ?? fail("--to is required: the recipient's chain1... address");
  try {
    addressFromBech32(to);
  } catch (e) {
    fail(`--to: ${(e as Error).message}`);
  }
  const amount = positive("amount", values.amount);
  const fee = positive("fee", values.fee, 2000n);
  const gas = positive("gas", values.gas, 200_000n);

  let key;
  try {
    key = keyFromHex(keyHex);
  } catch (e) {
    fail((e as Error).message);
  }
  console.log(`public key  ${bytesToHex(key.publicKey)}`);
  console.log(`address     ${key.bech32}`);

  const client = new NodeClient(node);
  try {
    const status = await client.getStatus();
    console.log(`node        ${node}, chain ${status.chain_id}, height ${status.latest_height}`);

    const account = await client.account(key.bech32).catch((e) => {
      throw new Error(`account ${key.bech32}: ${e.details ?? e.message} (an account exists once it has received funds)`);
    });
    const before = { from: await client.balance(key.bech32), to: await client.balance(to) };
    console.log(`account     number ${account.account_number}, sequence ${account.sequence}`);
    console.log(`balances    ${key.bech32} ${before.from}${baseDenom}, ${to} ${before.to}${baseDenom}`);

    const tx = TxBuilder.load().signSend(key, {
      chainId: status.chain_id,
      accountNumber: account.account_number,
      sequence: account.sequence,
      to,
      amount: [{ denom: baseDenom, amount }],
      fee: [{ denom: baseDenom, amount: fee }],
      gasLimit: gas,
      memo: values.memo,
    });

    const simulated = await client.simulate(tx.bytes);
    if (simulated.result.code !== 0) {
      throw new Error(`simulate: code ${simulated.result.code} (${simulated.result.codespace}): ${simulated.result.log}`);
    }
    console.log(`simulate    gas_used ${simulated.result.gas_used} of ${gas}`);

    const sync = await client.broadcast(tx.bytes, "BROADCAST_MODE_SYNC");
    const answered = Buffer.from(sync.tx_hash).toString("hex").toUpperCase();
    if (answered !== tx.hash) throw new Error(`the node hashed the tx as ${answered}, this client as ${tx.hash}`);
    if (sync.result.code !== 0) {
      throw new Error(`broadcast refused: code ${sync.result.code} (${sync.result.codespace}): ${sync.result.log}`);
    }
    console.log(`broadcast   ${tx.hash} accepted into the mempool (CheckTx gas_used ${sync.result.gas_used})`);

    const committed = await client.waitForTx(tx.hash);
    if (committed.result.code !== 0) {
      throw new Error(`tx ${tx.hash} committed at height ${committed.result.height} but failed: code ${committed.result.code} (${committed.result.codespace}): ${committed.result.log}`);
    }
    const after = { from: await client.balance(key.bech32), to: await client.balance(to) };
    console.log(`committed   height ${committed.result.height}, gas_used ${committed.result.gas_used}`);
    console.log(`balances    ${key.bech32} ${after.from}${baseDenom}, ${to} ${after.to}${baseDenom}`);
    if (values.json) {
      console.log(JSON.stringify({
        tx_hash: tx.hash,
        height: committed.result.height,
        gas_used: committed.result.gas_used,
        from: key.bech32,
        to,
        from_balance: after.from.toString(),
        to_balance: after.to.toString(),
      }));
    }
  } finally {
    client.close();
  }
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
