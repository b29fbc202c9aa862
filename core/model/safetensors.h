#pragma once
// Reading and writing the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header, then raw tensor bytes. Files are memory-mapped; nothing is
// read before the header has been checked against the file's size. Defined by job: safetensors.cpp (one file,
// and writing), weight_store.cpp (a model directory and its shard index), half_float.cpp (F16/BF16 bits).

#include "core/base/result.h"
#include "core/model/read_ahead.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dlm {

class LoadReporter;

enum class TensorDType { F32, F16, BF16, I64, I32 };
const char *tensorDTypeName(TensorDType dtype);
size_t tensorDTypeSize(TensorDType dtype);

/** A tensor inside a mapped file. `data` stays valid while the owning file is alive. */
struct TensorView
{
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape;
    const uint8_t *data = nullptr;
    size_t byteSize = 0;
    std::string file; ///< file it lives in, for messages
    int64_t elementCount() const;
};

/** One memory-mapped safetensors file. */
class SafetensorsFile
{
public:
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    /** Maps and validates a file: header bounds, JSON, dtypes, shapes vs byte sizes, offsets inside the data
     *  region and not overlapping. */
    static Result<std::shared_ptr<SafetensorsFile>> open(const std::string &path);
    /** Validates a safetensors file held in memory as open() does; the tensors point into `bytes`, which
     *  must outlive the result. `name` stands for the file in messages. (Fuzzing and tests.) */
    static Result<std::shared_ptr<SafetensorsFile>> fromBytes(
        const uint8_t *bytes, size_t size, const std::string &name);

    const std::string &path() const { return m_path; }
    const std::map<std::string, TensorView> &tensors() const { return m_tensors; }
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    /** The whole mapped file (null for fromBytes), for the read-ahead. */
    const void *mappedData() const { return m_map; }
    size_t mappedSize() const { return m_mapSize; }

private:
    SafetensorsFile() = default;
    Status parse(const uint8_t *base, uint64_t fileSize, const std::string &path);
    std::string m_path;
    void *m_map = nullptr;
    size_t m_mapSize = 0;
    std::map<std::string, TensorView> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

/**
 * All weights of a model directory: `model.safetensors`, or the shards listed in
 * `model.safetensors.index.json`. Keeps the mapped files alive.
 */
class WeightStore
{
public:
    /** Maps every shard, reporting each to `reporter` (which may cancel: the result is then kLoadCancelled). */
    static Result<std::shared_ptr<WeightStore>> openDirectory(const std::string &dir, LoadReporter *reporter = nullptr);
    /**
     * Reads the mapped files into memory with progress in bytes (LoadStage::ReadAhead); stoppedOnRequest
     * when the reporter cancels. Leaves the mappings as they were otherwise: the weights stay bit-identical.
     */
    Status readAhead(ReadAhead mode, LoadReporter &reporter, ReadAheadCounts *counts = nullptr) const;
    /** Bytes of all mapped files. */
    uint64_t mappedBytes() const;

    const TensorView *find(const std::string &name) const;
    const std::map<std::string, TensorView> &tensors() const { return m_tensors; }
    std::vector<std::string> files() const;

private:
    std::vector<std::shared_ptr<SafetensorsFile>> m_files;
    std::map<std::string, TensorView> m_tensors;
};

/**
 * Parses model.safetensors.index.json text: its `weight_map` (tensor name -> shard file name), each shard a
 * plain file name inside the model directory. `indexPath` starts every message.
 */
Result<std::map<std::string, std::string>> parseShardIndex(const std::string &text, const std::string &indexPath);

/** A tensor to write: raw little-endian bytes of `dtype`. */
struct TensorToWrite
{
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
};

/** Writes a safetensors file atomically (temporary file, then rename). Tensors are stored in the given
 *  order; the header is padded with spaces to a multiple of 8 bytes. */
Status writeSafetensors(const std::string &path, const std::vector<TensorToWrite> &tensors,
    const std::map<std::string, std::string> &metadata = {});

/** Converts IEEE half / bfloat16 bit patterns to float. */
float halfToFloat(uint16_t h);
float bf16ToFloat(uint16_t b);
uint16_t floatToBf16(float f); ///< round to nearest even
uint16_t floatToHalf(float f); ///< round to nearest even

} // namespace dlm
