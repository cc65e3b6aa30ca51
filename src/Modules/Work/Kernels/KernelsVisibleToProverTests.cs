using System.Runtime.CompilerServices;

// The prover tests check each vector path of the kernels (AVX2, portable 128-bit, scalar) against the others,
// whichever one this machine would pick.
[assembly: InternalsVisibleTo("Chain.Work.Prover.Tests")]
