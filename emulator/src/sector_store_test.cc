// The file store with its worker (sector_store_file.cc, specs/emulator.md §3.2): chunks
// written end to end go to the worker at once and read back the same whether in memory,
// on their way or in the file; a chunk changed while on its way keeps the newer bytes; the
// worker's write errors reach the writer; a crash while the worker appends reloads the
// last commit.
#include "sector_store.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace emulator {
namespace {

constexpr std::uint64_t kChunk = SectorStore::kChunkBytes;

class SectorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mkimg_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "disc.vd").string(); }

  std::filesystem::path dir_;
};

// Bytes that do not compress, different for every chunk and every version of it.
std::vector<std::uint8_t> Noise(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 random(seed);
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; i += 8) {
    const std::uint64_t r = random();
    for (std::size_t k = 0; k < 8 && i + k < n; ++k)
      v[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
  }
  return v;
}

std::unique_ptr<SectorStore> Create(const std::string& path, std::uint64_t bytes) {
  const std::vector<std::uint8_t> meta = {1, 2, 3};
  auto s = CreateFileStore(path, bytes, meta);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString());
  return s ? std::move(s).value() : nullptr;
}

std::unique_ptr<SectorStore> Reopen(const std::string& path, std::vector<std::uint8_t>* meta) {
  auto s = OpenFileStore(path, meta);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString());
  return s ? std::move(s).value() : nullptr;
}

// Text-like bytes that compress well: different for every chunk.
std::vector<std::uint8_t> Words(std::uint64_t seed, std::size_t n) {
  static const char* const kWords[] = {"disc ", "image ", "sector ", "track ", "session "};
  std::mt19937_64 random(seed);
  std::vector<std::uint8_t> v;
  v.reserve(n);
  while (v.size() < n) {
    const char* w = kWords[random() % 5];
    for (; *w != 0 && v.size() < n; ++w) v.push_back(static_cast<std::uint8_t>(*w));
  }
  return v;
}

// Chunks that do not compress are stored as they are (about their size, not more), and
// read back, in the process and after a reload; data that compresses is compressed again
// after a while.
TEST_F(SectorStoreTest, IncompressibleChunksAreStoredRawAndCompressionResumes) {
  constexpr std::uint64_t kNoise = 24, kText = 40;
  auto store = Create(Path(), (kNoise + kText) * kChunk);
  ASSERT_NE(store, nullptr);
  for (std::uint64_t c = 0; c < kNoise + kText; ++c) {
    const auto data = c < kNoise ? Noise(c, kChunk) : Words(c, kChunk);
    ASSERT_TRUE(store->Write(c * kChunk, data));
  }
  ASSERT_TRUE(store->Commit(std::vector<std::uint8_t>{7}));
  // Raw: 24 noise chunks and at most 15 text chunks after them cost about their size;
  // the other text chunks (at least 25) compress at least fourfold.
  const std::uint64_t bytes = store->StorageBytes();
  EXPECT_GE(bytes, kNoise * kChunk);
  EXPECT_LT(bytes, (kNoise + 15) * kChunk + 25 * kChunk / 4 + kChunk);
  store.reset();
  std::vector<std::uint8_t> meta;
  store = Reopen(Path(), &meta);
  ASSERT_NE(store, nullptr);
  for (std::uint64_t c = 0; c < kNoise + kText; ++c) {
    std::vector<std::uint8_t> got(kChunk);
    ASSERT_TRUE(store->Read(c * kChunk, got));
    ASSERT_EQ(got, c < kNoise ? Noise(c, kChunk) : Words(c, kChunk)) << "chunk " << c;
  }
}

TEST_F(SectorStoreTest, ChunksReadBackInMemoryOnTheirWayAndInTheFile) {
  constexpr std::uint64_t kChunks = 48;
  auto store = Create(Path(), kChunks * kChunk);
  ASSERT_NE(store, nullptr);
  // A burn: each chunk in 32 KiB writes, end to end; every chunk written so far is read
  // back at once, wherever it is by then.
  for (std::uint64_t c = 0; c < 40; ++c) {
    const std::vector<std::uint8_t> data = Noise(c, kChunk);
    for (std::uint64_t at = 0; at < kChunk; at += 32768) {
      ASSERT_TRUE(store->Write(c * kChunk + at, std::span(data).subspan(at, 32768)));
    }
    for (std::uint64_t back : {c, c / 2, std::uint64_t{0}}) {
      std::vector<std::uint8_t> got(kChunk);
      ASSERT_TRUE(store->Read(back * kChunk, got));
      ASSERT_EQ(got, Noise(back, kChunk)) << "chunk " << back << " after " << c;
    }
    EXPECT_TRUE(store->HasData(c * kChunk + 100, 1));
    EXPECT_EQ(store->ChunkCount(), c + 1);
  }
  // Chunk 39 was just handed over: a rewrite of part of it waits for it and keeps both.
  const std::vector<std::uint8_t> patch = Noise(1000, 4096);
  ASSERT_TRUE(store->Write(39 * kChunk + 8192, patch));
  // A chunk written in part stays in memory: 40 holds its first half only.
  const std::vector<std::uint8_t> half = Noise(40, kChunk / 2);
  ASSERT_TRUE(store->Write(40 * kChunk, half));
  EXPECT_EQ(store->ChunkCount(), 41u);
  ASSERT_TRUE(store->Commit(std::vector<std::uint8_t>{9}));
  store.reset();

  std::vector<std::uint8_t> meta;
  store = Reopen(Path(), &meta);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(meta, std::vector<std::uint8_t>{9});
  EXPECT_EQ(store->ChunkCount(), 41u);
  for (std::uint64_t c = 0; c < 39; ++c) {
    std::vector<std::uint8_t> got(kChunk);
    ASSERT_TRUE(store->Read(c * kChunk, got));
    ASSERT_EQ(got, Noise(c, kChunk)) << "chunk " << c;
  }
  std::vector<std::uint8_t> want = Noise(39, kChunk);
  std::copy(patch.begin(), patch.end(), want.begin() + 8192);
  std::vector<std::uint8_t> got(kChunk);
  ASSERT_TRUE(store->Read(39 * kChunk, got));
  EXPECT_EQ(got, want);
  want.assign(kChunk, 0);
  std::copy(half.begin(), half.end(), want.begin());
  ASSERT_TRUE(store->Read(40 * kChunk, got));
  EXPECT_EQ(got, want);
  EXPECT_FALSE(store->HasData(41 * kChunk, kChunk));
}

TEST_F(SectorStoreTest, ClearingForgetsChunksOnTheirWay) {
  auto store = Create(Path(), 16 * kChunk);
  ASSERT_NE(store, nullptr);
  for (std::uint64_t c = 0; c < 8; ++c) ASSERT_TRUE(store->Write(c * kChunk, Noise(c, kChunk)));
  ASSERT_TRUE(store->ClearFrom(3 * kChunk + 512));
  EXPECT_EQ(store->ChunkCount(), 4u);
  std::vector<std::uint8_t> got(kChunk);
  ASSERT_TRUE(store->Read(3 * kChunk, got));
  std::vector<std::uint8_t> want = Noise(3, kChunk);
  std::fill(want.begin() + 512, want.end(), 0);
  EXPECT_EQ(got, want);
  store->Clear();
  EXPECT_EQ(store->ChunkCount(), 0u);
  ASSERT_TRUE(store->Commit({}));
  store.reset();
  std::vector<std::uint8_t> meta;
  store = Reopen(Path(), &meta);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->ChunkCount(), 0u);
}

// The file may not grow past what it holds after the first commit plus 2 MiB
// (RLIMIT_FSIZE): the worker's append fails with EFBIG, and the writer hears of it.
TEST_F(SectorStoreTest, TheWorkersWriteErrorReachesTheWriter) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    auto store = Create(Path(), 32 * kChunk);
    if (store == nullptr) _exit(10);
    const rlimit limit = {std::filesystem::file_size(Path()) + 2 * kChunk, RLIM_INFINITY};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(11);
    bool failed = false;
    for (std::uint64_t c = 0; c < 16 && !failed; ++c) {
      failed = !store->Write(c * kChunk, Noise(c, kChunk));
    }
    if (!failed) failed = !store->Commit({});
    _exit(failed ? 0 : 12);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: no store, 11: no limit, 12: no error reported";
  std::vector<std::uint8_t> meta;
  auto store = Reopen(Path(), &meta);  // the first commit, intact
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(meta, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(store->ChunkCount(), 0u);
}

// A crash (SIGKILL) while the worker appends the chunks of a second burn reloads the first.
TEST_F(SectorStoreTest, ACrashWhileTheWorkerAppendsReloadsTheLastCommit) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    auto store = Create(Path(), 64 * kChunk);
    if (store == nullptr) _exit(10);
    for (std::uint64_t c = 0; c < 4; ++c) {
      if (!store->Write(c * kChunk, Noise(c, kChunk))) _exit(11);
    }
    if (!store->Commit(std::vector<std::uint8_t>{7})) _exit(12);
    for (std::uint64_t c = 4;; c = 4 + (c - 3) % 60) {
      if (!store->Write(c * kChunk, Noise(c + 100, kChunk))) _exit(13);
      if (c == 8) (void)!write(ready[1], "x", 1);
    }
  }
  close(ready[1]);
  char x;
  ASSERT_EQ(read(ready[0], &x, 1), 1);
  close(ready[0]);
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  std::vector<std::uint8_t> meta;
  auto store = Reopen(Path(), &meta);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(meta, std::vector<std::uint8_t>{7});
  EXPECT_EQ(store->ChunkCount(), 4u);
  for (std::uint64_t c = 0; c < 4; ++c) {
    std::vector<std::uint8_t> got(kChunk);
    ASSERT_TRUE(store->Read(c * kChunk, got));
    EXPECT_EQ(got, Noise(c, kChunk)) << "chunk " << c;
  }
  EXPECT_FALSE(store->HasData(4 * kChunk, 60 * kChunk));
}

}  // namespace
}  // namespace emulator
