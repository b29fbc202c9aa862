#pragma once
// The words of the help system in one table: the glossary's terms, the legend's tooltips and the tour's
// pages all read their text from here, so a term is explained the same way wherever a user meets it.

#include <QString>

#include <vector>

namespace dlm {

/** One explained thing: a glossary term, a legend key or a view of the window. */
struct HelpEntry
{
    enum class Kind { Term, Legend, View };
    Kind kind = Kind::Term;
    QString key; ///< stable identifier, e.g. "remask", "legend.sentBack", "view.canvas"
    QString title; ///< what the user reads as the heading, e.g. "Remask"
    QString text; ///< the explanation in plain words
};

/** Every entry, glossary terms first (alphabetical within each kind is not promised: the order is didactic). */
const std::vector<HelpEntry> &helpEntries();
/** The entry with `key`, or null. */
const HelpEntry *findHelpEntry(const QString &key);
/** The text of `key`, or an empty string for an unknown key. */
QString helpText(const QString &key);
/**
 * Entries whose title or text contains every word of `query` (case-insensitive); all entries for an empty
 * query. Titles that match rank before texts that match, so "mask" finds "Mask" before "Remask".
 */
std::vector<const HelpEntry *> searchHelp(const QString &query);

} // namespace dlm
