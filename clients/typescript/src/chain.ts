// What a client of the chain needs, from the protos and docs/clients.md alone: keys and addresses, canonical
// encoding, sign bytes, signing, tx hash, and gRPC clients of the node's services.
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { bech32 } from "@scure/base";

/** The repository's proto/ folder (clients/typescript/src -> ../../../proto); override with CHAIN_PROTO_DIR. */
export const defaultProtoDir =
  process.env.CHAIN_PROTO_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../proto");

export const accountPrefix = "chain";
export const baseDenom = "uchn";

/**
 * The google/api (http annotations) and google/protobuf protos the chain's services import, from the
 * google-proto-files package: the REST gateway's routes are declared in the protos, so every service file imports
 * google/api/annotations.proto.
 */
const googleProtoDir = path.dirname(createRequire(import.meta.url).resolve("google-proto-files/package.json"));

/** Where an import resolves: the chain's proto directory first, then the google protos. */
function resolveImport(protoDir: string, target: string): string {
  const local = path.join(protoDir, target);
  return existsSync(local) ? local : path.join(googleProtoDir, target);
}

const protoFiles = [
  "chain/types/v1/tx.proto",
  "chain/tx/v1/service.proto",
  "chain/bank/v1/bank.proto",
  "chain/node/v1/service.proto",
];

// ---------------------------------------------------------------------------------------------------------------
// Keys and addresses

export interface Key {
  privateKey: Uint8Array;
  /** 33-byte compressed secp256k1 public key. */
  publicKey: Uint8Array;
  /** 20 bytes: the first 20 bytes of SHA-256 of the compressed public key. */
  address: Uint8Array;
  /** bech32 (BIP-173) of the address with the prefix "chain". */
  bech32: string;
}

export function keyFromHex(hex: string): Key {
  const clean = hex.trim().replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
    throw new Error("private key: expected 64 hex digits (32 bytes)");
  }
  const privateKey = hexToBytes(clean.toLowerCase());
  if (!secp256k1.utils.isValidPrivateKey(privateKey)) {
    throw new Error("private key: not a valid secp256k1 key (zero or not below the curve order)");
  }
  const publicKey = secp256k1.getPublicKey(privateKey, true);
  const address = addressOf(publicKey);
  return { privateKey, publicKey, address, bech32: addressToBech32(address) };
}

export function addressOf(compressedPublicKey: Uint8Array): Uint8Array {
  return sha256(compressedPublicKey).slice(0, 20);
}

export function addressToBech32(address: Uint8Array, prefix = accountPrefix): string {
  return bech32.encode(prefix, bech32.toWords(address));
}

export function addressFromBech32(text: string, prefix = accountPrefix): Uint8Array {
  const { prefix: hrp, words } = bech32.decode(text as `${string}1${string}`);
  if (hrp !== prefix) throw new Error(`address ${text}: prefix '${hrp}', expected '${prefix}'`);
  const bytes = bech32.fromWords(words);
  if (bytes.length !== 20) throw new Error(`address ${text}: ${bytes.length} bytes, expected 20`);
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical encoding. The node refuses a tx whose bytes do not re-encode to themselves (code 2): every field at
// its default value (0, "", false, empty bytes, empty list) must be left out, and fields written in field-number
// order. protobufjs writes a field that is *set*, even to its default, so defaults are removed before encoding;
// protobufjs already writes fields in field-number order.

type Plain = { [key: string]: unknown };

function isDefault(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (value === 0 || value === 0n || value === "" || value === false) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** A copy of a plain message object without default-valued fields; bigints become decimal strings (uint64). */
export function withoutDefaults(message: Plain): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(message)) {
    if (isDefault(value)) continue;
    if (typeof value === "bigint") out[key] = value.toString();
    else if (Array.isArray(value)) out[key] = value.map((v) => (isPlainObject(v) ? withoutDefaults(v) : v));
    else if (isPlainObject(value)) out[key] = withoutDefaults(value);
    else out[key] = value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Txs

export interface Coin {
  denom: string;
  amount: bigint;
}

export interface SendParams {
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
  to: string;
  amount: Coin[];
  fee: Coin[];
  gasLimit: bigint;
  memo?: string;
  timeoutHeight?: bigint;
}

export interface SignedTx {
  bytes: Uint8Array;
  /** Upper-case hex of SHA-256 of the tx bytes, as the node and `chaind query tx` show it. */
  hash: string;
  signBytes: Uint8Array;
}

export class TxBuilder {
  private constructor(private readonly root: protobuf.Root) {}

  static load(protoDir = defaultProtoDir): TxBuilder {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => resolveImport(protoDir, target);
    root.loadSync(protoFiles, { keepCase: true });
    return new TxBuilder(root);
  }

  encode(typeName: string, message: Plain): Uint8Array {
    const type = this.root.lookupType(typeName);
    const typed = type.fromObject(withoutDefaults(message));
    const error = type.verify(typed);
    if (error) throw new Error(`${typeName}: ${error}`);
    return type.encode(typed).finish();
  }

  /** A google.protobuf.Any holding a message: type URL "/" + full name, value its canonical bytes. */
  pack(typeName: string, message: Plain): Plain {
    return { type_url: "/" + typeName, value: this.encode(typeName, message) };
  }

  /** Builds a MsgSend tx and signs it with SHA-256 of the SignDoc, hashed once. */
  signSend(key: Key, p: SendParams): SignedTx {
    const msg = this.pack("chain.bank.v1.MsgSend", { from_address: key.bech32, to_address: p.to, amount: p.amount });
    const fee = { amount: p.fee, gas_limit: p.gasLimit };
    const body = { messages: [msg], memo: p.memo ?? "", timeout_height: p.timeoutHeight ?? 0n };
    const signBytes = this.encode("chain.types.v1.SignDoc", {
      chain_id: p.chainId,
      account_number: p.accountNumber,
      sequence: p.sequence,
      fee,
      messages: body.messages,
      memo: body.memo,
      timeout_height: body.timeout_height,
    });
    // The digest is computed here, once, and signed as it is (prehash: false, noble's default for sign). A library
    // that hashes its input (noble v2's default prehash: true, OpenSSL's "sign a message") must be given the sign bytes
    // instead, or it signs SHA-256(SHA-256(sign bytes)), which the node refuses as a double hash. lowS: the node
    // refuses high-S signatures (code 42). The node takes the 64-byte compact r||s.
    const signature = secp256k1.sign(sha256(signBytes), key.privateKey, { prehash: false, lowS: true }).toCompactRawBytes();
    const bytes = this.encode("chain.types.v1.Tx", {
      body,
      auth_info: { signer: { public_key: key.publicKey, sequence: p.sequence }, fee },
      signature,
    });
    return { bytes, hash: txHash(bytes), signBytes };
  }
}

export function txHash(txBytes: Uint8Array): string {
  return bytesToHex(sha256(txBytes)).toUpperCase();
}

// ---------------------------------------------------------------------------------------------------------------
// gRPC

/** A unary call as a promise, with a deadline. */
type Unary = (request: object, options: { deadline: Date }, callback: (error: grpc.ServiceError | null, response: any) => void) => void;

export class NodeClient {
  private readonly bank: grpc.Client;
  private readonly tx: grpc.Client;
  private readonly status: grpc.Client;

  constructor(address: string, protoDir = defaultProtoDir, private readonly timeoutMs = 15_000) {
    const definition = protoLoader.loadSync(protoFiles, {
      includeDirs: [protoDir, googleProtoDir],
      keepCase: true,
      longs: String,
      enums: String,
      bytes: Buffer,
      defaults: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as any;
    const credentials = grpc.credentials.createInsecure();
    this.bank = new loaded.chain.bank.v1.Query(address, credentials);
    this.tx = new loaded.chain.tx.v1.Service(address, credentials);
    this.status = new loaded.chain.node.v1.Status(address, credentials);
  }

  private call(client: grpc.Client, method: string, request: object): Promise<any> {
    const fn = (client as unknown as Record<string, Unary>)[method].bind(client);
    return new Promise((resolve, reject) =>
      fn(request, { deadline: new Date(Date.now() + this.timeoutMs) }, (error, response) => (error ? reject(error) : resolve(response))),
    );
  }

  getStatus(): Promise<{ chain_id: string; latest_height: string }> {
    return this.call(this.status, "GetStatus", {});
  }

  /** NotFound (code 5) when the account has never received funds. */
  async account(address: string): Promise<{ account_number: bigint; sequence: bigint }> {
    const r = await this.call(this.bank, "Account", { address });
    return { account_number: BigInt(r.account.account_number), sequence: BigInt(r.account.sequence) };
  }

  async balance(address: string, denom = baseDenom): Promise<bigint> {
    const r = await this.call(this.bank, "Balance", { address, denom });
    return BigInt(r.balance.amount);
  }

  simulate(txBytes: Uint8Array): Promise<{ result: TxResult }> {
    return this.call(this.tx, "Simulate", { tx_bytes: Buffer.from(txBytes) });
  }

  broadcast(txBytes: Uint8Array, mode: "BROADCAST_MODE_SYNC" | "BROADCAST_MODE_COMMIT"): Promise<{ tx_hash: Buffer; result: TxResult; height: string }> {
    return this.call(this.tx, "BroadcastTx", { tx_bytes: Buffer.from(txBytes), mode });
  }

  /** NotFound (code 5) until the tx is in a committed block. */
  getTx(hashHex: string): Promise<{ tx_bytes: Buffer; result: TxResult }> {
    return this.call(this.tx, "GetTx", { tx_hash: Buffer.from(hexToBytes(hashHex.toLowerCase())) });
  }

  /** Polls GetTx until the tx is committed (NotFound means not yet), or fails after timeoutMs. */
  async waitForTx(hashHex: string, timeoutMs = 60_000, pollMs = 250): Promise<{ tx_bytes: Buffer; result: TxResult }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.getTx(hashHex);
      } catch (e) {
        const code = (e as grpc.ServiceError).code;
        if (code !== grpc.status.NOT_FOUND || Date.now() > deadline) throw e;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  close(): void {
    this.bank.close();
    this.tx.close();
    this.status.close();
  }
}

export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  gas_wanted: string;
  gas_used: string;
  events: { type: string; attributes: { key: string; value: string }[] }[];
  tx_hash: Buffer;
  height: string;
  index: number;
}

export { bytesToHex, hexToBytes };
