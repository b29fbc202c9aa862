// dlm-make-tiny-model: writes a random (untrained) LLaDA-format model directory with a small tokenizer.
// scripts/run falls back to it when models/demo is missing; benchmarks use it for models of a given size.
#include "tiny_model.h"
#include "tiny_tokenizer.h"

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char **argv)
{
    if (argc < 2 || std::string(argv[1]) == "--help") {
        std::cout
            << "usage: dlm-make-tiny-model DIR [--d-model N] [--heads N] [--kv-heads N] [--layers N]\n"
               "                            [--mlp N] [--vocab N] [--tokenizer-vocab N] [--max-seq N] [--seed N]\n"
               "                            [--dtype f32|bf16] [--shards N]\n";
        return argc < 2 ? 2 : 0;
    }
    dlm::testing::TinyModelOptions o;
    int tokenizerVocab = 200;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        if (key == "--dtype") {
            const std::string dtype = argv[i + 1];
            if (dtype != "f32" && dtype != "bf16") {
                std::cerr << "dlm-make-tiny-model: --dtype must be f32 or bf16, got '" << dtype << "'\n";
                return 2;
            }
            o.dtype = dtype == "bf16" ? dlm::TensorDType::BF16 : dlm::TensorDType::F32;
            continue;
        }
        const int value = std::atoi(argv[i + 1]);
        if (value <= 0) {
            std::cerr << "dlm-make-tiny-model: " << key << " needs a positive integer\n";
            return 2;
        }
        if (key == "--d-model")
            o.dModel = value;
        else if (key == "--heads")
            o.nHeads = value;
        else if (key == "--kv-heads")
            o.nKvHeads = value;
        else if (key == "--layers")
            o.nLayers = value;
        else if (key == "--mlp")
            o.mlpHiddenSize = value;
        else if (key == "--vocab")
            o.vocabSize = value;
        else if (key == "--tokenizer-vocab")
            tokenizerVocab = value;
        else if (key == "--max-seq")
            o.maxSequenceLength = value;
        else if (key == "--seed")
            o.seed = static_cast<uint64_t>(value);
        else if (key == "--shards")
            o.shards = value;
        else {
            std::cerr << "dlm-make-tiny-model: unknown option " << key << "\n";
            return 2;
        }
    }
    if (tokenizerVocab > o.vocabSize) {
        std::cerr << "dlm-make-tiny-model: --tokenizer-vocab cannot exceed --vocab\n";
        return 2;
    }
    const std::string dir = argv[1];
    o.writeTokenizer = false;
    auto config = dlm::testing::writeTinyModel(dir, o);
    if (!config) {
        std::cerr << "dlm-make-tiny-model: " << config.error() << "\n";
        return 2;
    }
    const std::string error = dlm::testing::writeTinyTokenizer(dir, tokenizerVocab);
    if (!error.empty()) {
        std::cerr << "dlm-make-tiny-model: " << error << "\n";
        return 2;
    }
    std::cout << dir << ": " << config->parameterCount() << " parameters\n";
    return 0;
}
