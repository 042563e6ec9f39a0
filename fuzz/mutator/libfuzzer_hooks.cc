// libFuzzer's custom mutator hooks over fuzz::mutator (structure_mutator.h). Linking the
// mkimg_fuzz_mutator library into a libFuzzer target replaces its mutations with these;
// byte mutation stays libFuzzer's own (LLVMFuzzerMutate). LLVMFuzzerMutate is declared weak
// so that the library also links into the replay builds (fuzz/replay_main.cc) that have
// no libFuzzer: there a small byte mutator of ours stands in.
#include <cstddef>
#include <cstdint>
#include <random>

#include "fuzz/mutator/structure_mutator.h"

extern "C" __attribute__((weak)) std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                                              std::size_t max_size);

namespace {

// Flips, sets or copies a few bytes (only without libFuzzer).
std::size_t FallbackMutate(std::uint8_t* data, std::size_t size, std::size_t max_size,
                           unsigned seed) {
  std::minstd_rand rng(seed);
  if (size == 0) {
    if (max_size == 0) return 0;
    data[0] = static_cast<std::uint8_t>(rng());
    return 1;
  }
  for (unsigned n = 1 + static_cast<unsigned>(rng() % 4); n > 0; --n) {
    std::uint8_t& b = data[rng() % size];
    b = rng() % 2 ? static_cast<std::uint8_t>(b ^ (1u << (rng() % 8)))
                  : static_cast<std::uint8_t>(rng());
  }
  return size;
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  const fuzz::mutator::ByteMutator bytes = [seed](std::uint8_t* d, std::size_t s, std::size_t m) {
    return LLVMFuzzerMutate != nullptr ? LLVMFuzzerMutate(d, s, m) : FallbackMutate(d, s, m, seed);
  };
  return fuzz::mutator::Mutate(data, size, max_size, seed, bytes);
}

extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* data1, std::size_t size1,
                                                 const std::uint8_t* data2, std::size_t size2,
                                                 std::uint8_t* out, std::size_t max_out_size,
                                                 unsigned int seed) {
  return fuzz::mutator::CrossOver(std::span(data1, size1), std::span(data2, size2), out,
                                  max_out_size, seed);
}
