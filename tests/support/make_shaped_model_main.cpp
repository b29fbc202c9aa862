// dlm-make-shaped-model: writes a random model with the exact shapes and file layout of a published checkpoint
// (sharded safetensors + index), streaming, for benchmarks (`scripts/make-shaped-model` runs it). A tiny
// tokenizer is added so the directory opens in the CLI and the window; ids it has no piece for show as
// `<unused N>`.
#include "core/model/shaped_model.h"
#include "tiny_tokenizer.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int usage(int code)
{
    std::string shapes;
    for (const std::string &name : dlm::shapedModelNames())
        shapes += (shapes.empty() ? "" : "|") + name;
    (code == 0 ? std::cout : std::cerr) << "usage: dlm-make-shaped-model DIR --shape " << shapes
                                        << " [--dtype bf16|f32] [--seed N]\n";
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && std::string(argv[1]) == "--help")
        return usage(0);
    if (argc < 2)
        return usage(2);
    std::string shape, dtype = "bf16";
    dlm::ShapedModelOptions options;
    for (int i = 2; i < argc; i += 2) {
        const std::string key = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "dlm-make-shaped-model: " << key << " needs a value\n";
            return 2;
        }
        const std::string value = argv[i + 1];
        if (key == "--shape")
            shape = value;
        else if (key == "--dtype")
            dtype = value;
        else if (key == "--seed")
            options.seed = std::strtoull(value.c_str(), nullptr, 10);
        else {
            std::cerr << "dlm-make-shaped-model: unknown option " << key << "\n";
            return 2;
        }
    }
    if (dtype != "bf16" && dtype != "f32") {
        std::cerr << "dlm-make-shaped-model: --dtype must be bf16 or f32, got '" << dtype << "'\n";
        return 2;
    }
    options.dtype = dtype == "bf16" ? dlm::TensorDType::BF16 : dlm::TensorDType::F32;
    auto config = dlm::shapedModelConfig(shape);
    if (!config) {
        std::cerr << "dlm-make-shaped-model: " << config.error() << "\n";
        return 2;
    }
    const std::string dir = argv[1];
    ::mkdir(dir.c_str(), 0755);
    // On a terminal one line counts up; in a log, a line every 10%.
    const bool terminal = ::isatty(2) != 0;
    const int stride = terminal ? 1 : 10;
    int lastPercent = -1;
    const dlm::Status written = dlm::writeShapedModel(dir, *config, options, [&](uint64_t done, uint64_t total) {
        const int percent = int(100 * done / (total ? total : 1)) / stride * stride;
        if (percent != lastPercent) {
            lastPercent = percent;
            std::fprintf(stderr, terminal ? "\rwriting %s: %d%% of %.1f GB" : "writing %s: %d%% of %.1f GB\n",
                dir.c_str(), percent, double(total) / 1e9);
        }
    });
    if (terminal)
        std::fputc('\n', stderr);
    if (!written) {
        std::cerr << "dlm-make-shaped-model: " << written.error() << "\n";
        return 2;
    }
    const std::string error = dlm::testing::writeTinyTokenizer(dir, 200);
    if (!error.empty()) {
        std::cerr << "dlm-make-shaped-model: " << error << "\n";
        return 2;
    }
    std::cout << dir << ": " << shape << ", " << config->parameterCount() << " parameters, " << dtype << "\n";
    return 0;
}
