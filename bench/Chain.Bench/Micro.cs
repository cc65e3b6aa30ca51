using System.Diagnostics;
using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Transactions;

namespace Chain.Bench;

/// <summary>`--micro`: single-thread cost per tx of each step of the tx pipeline, over the 10000x1 block on RocksDB (medians of 5).</summary>
public static class Micro
{
    public static void Run()
    {
        var workload = TransferWorkload.Create(10_000, 1);
        var bytes = workload.Block.Data.Txs.Select(t => t.ToByteArray()).ToArray();
        var n = bytes.Length;
        for (var round = 0; round < 5; round++)
        {
            using var store = BenchStore.Create(Backend.RocksDb);
            using var app = workload.OpenApp(store.Store);
            var decoder = app.Processor.Decoder;
            var sw = Stopwatch.StartNew();
            var txs = new DecodedTx[n];
            for (var i = 0; i < n; i++)
            {
                txs[i] = decoder.Decode(bytes[i], out _)!;
            }

            var decode = Lap(sw);
            var ro = new ReadOnlyStateStore(app.Executor.Committed);
            var numbers = new ulong[n];
            for (var i = 0; i < n; i++)
            {
                numbers[i] = app.Modules.Keeper<BankKeeper>().GetAccount(ro, txs[i].Signer)!.AccountNumber;
            }

            var accounts = Lap(sw);
            var signBytes = new byte[n][];
            for (var i = 0; i < n; i++)
            {
                signBytes[i] = TxFactory.SignBytes(TransferWorkload.ChainId, numbers[i], txs[i].Sequence, txs[i].Tx.AuthInfo.Fee, txs[i].Tx.Body);
            }

            var sb = Lap(sw);
            var hashes = new byte[n][];
            for (var i = 0; i < n; i++)
            {
                hashes[i] = Hashes.Sha256(signBytes[i]);
            }

            var sha = Lap(sw);
            for (var i = 0; i < n; i++)
            {
                if (Secp256k1.Verify(txs[i].PublicKey, hashes[i], txs[i].Tx.Signature.Span) != SignatureCheck.Valid)
                {
                    throw new InvalidOperationException("bad signature");
                }
            }

            var verify = Lap(sw);
            for (var i = 0; i < n; i++)
            {
                app.Signatures.Add(txs[i].Hash, numbers[i]);
            }

            var cacheAdd = Lap(sw);
            var cache = new CacheState(app.Executor.Committed);
            var info = new BlockInfo(TransferWorkload.ChainId, 1, TransferWorkload.BlockTime, new byte[20]);
            for (var i = 0; i < n; i++)
            {
                var r = app.Processor.Deliver(cache, txs[i], info);
                if (r.Code != 0)
                {
                    throw new InvalidOperationException(r.Log);
                }
            }

            var deliver = Lap(sw);
            Console.WriteLine($"per tx, 1 thread (us): decode {decode * 1000 / n:F1}, account read {accounts * 1000 / n:F1}, sign bytes {sb * 1000 / n:F1}, sha {sha * 1000 / n:F1}, verify {verify * 1000 / n:F1}, sigcache add {cacheAdd * 1000 / n:F1}, deliver {deliver * 1000 / n:F1}");
        }
    }

    private static double Lap(Stopwatch sw)
    {
        var ms = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        return ms;
    }
}
