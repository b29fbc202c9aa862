#pragma once
// Tokenizer pieces as the text people read: the one spelling that the GUI, the CLI and every export share.
//
// Sentencepiece writes a word start as "▁" (U+2581) and, with byte fallback, a character it has no piece
// for as one piece per UTF-8 byte: "<0x0A>" is a newline, "<0xE2>" "<0x80>" "<0x94>" together are "—".
// A byte below 0x80 is a character of its own. A byte from 0x80 up is only part of a character: alone it
// has no text, so it keeps its piece spelling ("<0xE2>"), which is also what a reader needs to see that a
// character was cut. In a sequence, byte pieces that together form valid UTF-8 become that character.
//
// Byte-level BPE (GPT-2, Qwen, LLaMA 3, LLaDA) spells every byte as a printable character instead: "Ġthe" is
// " the", "Ċ" a newline, and "æĪ" + "ĳ" together are "我". Such pieces are recognised by their characters
// (all in GPT-2's byte map, none standing for a control byte) and read the same way.

#include <string>
#include <vector>

namespace dlm {

/** The byte a byte-fallback piece ("<0xHH>", two upper-case hex digits) stands for, or -1 for other pieces. */
int pieceByte(const std::string &piece);

/**
 * The text of one piece on its own (a chip's tooltip, a candidate, a top-k list): every "▁" becomes a
 * space, a byte piece below 0x80 becomes its byte, a byte piece from 0x80 up stays as it is spelled, a
 * byte-level piece becomes its bytes when they are whole characters and stays as spelled when they are not.
 * Other pieces are returned unchanged, so the result is valid UTF-8 whenever the piece is.
 */
std::string pieceText(const std::string &piece);

/**
 * The text of each position of a sequence of pieces, with the context a single piece lacks: a run of byte
 * or byte-level pieces is read as UTF-8, each character at the position where it starts and "" at the
 * positions that only continue it, so that the texts joined are the sequence's text. Every other position gets
 * pieceText(). An empty piece (a mask, an unknown id) gets "" and ends a run, as a gap in the text does.
 */
std::vector<std::string> sequenceTexts(const std::vector<std::string> &pieces);

/** sequenceTexts() joined: the text of a run of pieces. */
std::string sequenceText(const std::vector<std::string> &pieces);

} // namespace dlm
