#include "tiny_tokenizer.h"

#include "core/base/file_util.h"
#include "core/text/sentencepiece_tokenizer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace dlm::testing {

namespace {

// Plain sentences about everyday things: enough distinct words that a few hundred pieces are worth
// learning, and fixed, so the trained vocabulary is the same on every machine.
constexpr const char *kCorpus[] = {
    "The cat sat on the warm mat and watched the birds in the garden.",
    "A small brown dog ran across the field to find his red ball.",
    "The horse eats fresh grass every morning before the farmer wakes up.",
    "Two white ducks swim slowly on the quiet pond near the old mill.",
    "My sister has a black rabbit that likes carrots and green leaves.",
    "The cow gives milk, and the hen lays one egg each day.",
    "Bees fly from flower to flower and make sweet golden honey.",
    "An owl sleeps during the day and hunts mice at night.",
    "The fox is clever, but the wolf is strong and fast.",
    "Fish live in rivers, lakes and the deep blue sea.",
    "A tall giraffe can reach the highest leaves of the tree.",
    "The elephant is the largest animal that walks on land.",
    "Lions rest in the shade when the sun is very hot.",
    "The little mouse hid under the kitchen table all afternoon.",
    "Our goat climbed the stone wall and looked at the village.",
    "The sheep stay together on the hill while the shepherd sings.",
    "A frog jumped into the water with a loud splash.",
    "Snakes move without legs, and turtles carry their houses.",
    "The bear found berries in the forest and ate them all.",
    "Monkeys play in the trees and call to each other.",
    "Today the weather is cold and the sky is grey.",
    "It rained all night, so the streets are wet this morning.",
    "In summer the days are long and the nights are short.",
    "In winter snow falls on the roofs and the children build a snowman.",
    "The wind blew the leaves off the trees in autumn.",
    "Spring brings warm sunshine, new flowers and singing birds.",
    "A storm came from the west with thunder and lightning.",
    "After the rain we saw a bright rainbow over the mountains.",
    "The fog was so thick that we could not see the bridge.",
    "Tomorrow will be sunny with a light breeze from the south.",
    "The temperature dropped below zero and the lake froze.",
    "Clouds gathered in the evening, and then it started to snow.",
    "We stayed inside because the wind was too strong to walk.",
    "The weather report said there would be heavy rain on Sunday.",
    "One, two, three, four, five, six, seven, eight, nine, ten.",
    "Eleven, twelve, thirteen, fourteen, fifteen, sixteen and seventeen.",
    "Twenty people came to the party, and thirty more arrived later.",
    "A week has seven days and a year has twelve months.",
    "There are sixty minutes in an hour and sixty seconds in a minute.",
    "She counted one hundred stars before she fell asleep.",
    "Half of eight is four, and double four is eight again.",
    "The first train leaves at six and the last one at midnight.",
    "He bought three apples, two pears and a dozen eggs.",
    "The number 42 is bigger than 17 but smaller than 100.",
    "In 1999 the old school had 350 students and 20 teachers.",
    "Add 5 and 7 to get 12, then take away 2 to get 10.",
    "The red car stopped at the corner next to the yellow house.",
    "She wore a blue dress, a white hat and black shoes.",
    "The grass is green, the sky is blue and the sun is yellow.",
    "Purple grapes and orange oranges lay on the wooden table.",
    "My grandmother bakes bread every Friday in her small kitchen.",
    "We had soup, rice and vegetables for dinner last night.",
    "The children drank cold water after the long walk.",
    "He likes tea with lemon, but she prefers coffee with milk.",
    "Cheese, butter and jam are on the breakfast table.",
    "The baker sells cakes, cookies and fresh rolls in the market.",
    "Mother cut the pie into eight pieces and gave everyone one.",
    "Father reads the newspaper while the kettle boils.",
    "My brother plays football with his friends after school.",
    "The teacher wrote a long question on the board.",
    "Our family visits the beach every August for two weeks.",
    "The baby laughed when the puppy licked her hand.",
    "Grandfather tells stories about ships, pirates and islands.",
    "The doctor told him to rest and drink plenty of water.",
    "The library opens at nine and closes at five.",
    "There is a bakery, a bank and a post office on our street.",
    "The bus was late because of the snow on the road.",
    "People walk in the park on Saturday afternoons.",
    "The market is busy, noisy and full of colours.",
    "A river runs through the middle of the town.",
    "The old castle stands on a rock above the harbour.",
    "Boats sail out in the morning and return with fish at dusk.",
    "The church bell rings at noon every day.",
    "We crossed the bridge and followed the path into the woods.",
    "The farmer drives his tractor slowly along the narrow lane.",
    "In the beginning God created the heaven and the earth.",
    "And the earth was without form, and darkness was upon the deep.",
    "Let there be light, and there was light over the water.",
    "The light was good, and he divided the light from the darkness.",
    "He called the light day, and the darkness he called night.",
    "Once upon a time there lived a king who had three daughters.",
    "The youngest daughter was kind, brave and very wise.",
    "A dragon lived in a cave at the top of the mountain.",
    "The knight rode his horse through the dark forest at dawn.",
    "She opened the door and found a letter on the floor.",
    "He wrote a poem about the moon, the sea and the stars.",
    "They sang songs around the fire until the night was over.",
    "The clock on the wall struck twelve, and everyone was quiet.",
    "I think it is going to be a beautiful day.",
    "Do you know where the keys are? I cannot find them anywhere.",
    "Yes, I saw them next to the window this morning!",
    "Please close the door; the cold air is coming in.",
    "Thank you for the flowers, they smell wonderful.",
    "What time is it? It is half past three.",
    "How many legs does a spider have? It has eight legs.",
    "Why is the sky blue? Because sunlight is scattered by the air.",
    "Where do penguins live? Most of them live near the south pole.",
    "Who ate the last piece of cake? Nobody knows.",
    "Learning new words every day makes reading easier and more fun.",
    "The quick brown fox jumps over the lazy dog.",
    "Every good story has a beginning, a middle and an end.",
    "Machines can learn patterns from text, numbers and pictures.",
    "A computer follows simple steps very quickly and never gets tired.",
    "The model predicts the missing words one step at a time.",
};

// Changes the working directory for the duration of training. Test-fixture code only: the process is
// between test functions and nothing else resolves relative paths meanwhile; the mutex keeps two fixture
// writers on different threads from interleaving.
Status trainInDirectory(const std::string &dir, const std::string &args)
{
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    const int previous = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (previous < 0)
        return Status::failure("tiny tokenizer: cannot open the current directory: "
                               + std::string(std::strerror(errno)));
    if (::chdir(dir.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::close(previous);
        return Status::failure(dir + ": cannot enter the directory: " + why);
    }
    const Status trained = trainSentencePiece(args);
    const bool restored = ::fchdir(previous) == 0;
    ::close(previous);
    if (!restored)
        return Status::failure("tiny tokenizer: cannot return to the previous working directory");
    return trained;
}

} // namespace

std::string writeTinyTokenizer(const std::string &dir, int vocabSize)
{
    if (vocabSize < 64)
        return "tiny tokenizer: vocabulary size " + std::to_string(vocabSize) + " is too small (minimum 64)";

    std::string corpus;
    for (const char *line : kCorpus) {
        corpus += line;
        corpus += '\n';
    }
    const std::string corpusName = "tiny_tokenizer_corpus.txt";
    const Status written = writeFileAtomic(joinPath(dir, corpusName), corpus);
    if (!written)
        return written.error();

    // Byte fallback needs 256 byte pieces on top of the special and learned ones, so it is only on for
    // vocabularies with room for it; smaller ones map unseen characters to <unk>.
    const bool byteFallback = vocabSize >= 384;
    // Relative paths, because sentencepiece records --input and --model_prefix inside tokenizer.model:
    // run from `dir`, the file is byte-identical wherever it is written, so hashes of it are stable.
    const std::string args = "--input=" + corpusName + " --model_prefix=tokenizer"
        + " --model_type=unigram --vocab_size=" + std::to_string(vocabSize)
        + " --user_defined_symbols=" + kTinyMaskPiece + "," + kTinyEosPiece
        + " --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1 --character_coverage=1.0"
        + " --byte_fallback=" + (byteFallback ? "true" : "false")
        + " --hard_vocab_limit=false --minloglevel=2 --num_threads=1";
    const Status trained = trainInDirectory(dir, args);

    // The corpus and the .vocab listing are by-products; a model directory holds only tokenizer.model.
    std::remove(joinPath(dir, corpusName).c_str());
    std::remove(joinPath(dir, "tokenizer.vocab").c_str());
    if (!trained)
        return trained.error();
    return {};
}

} // namespace dlm::testing
