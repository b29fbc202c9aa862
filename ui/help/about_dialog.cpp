#include "ui/help/about_dialog.h"

#include "ui/help/build_versions.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QVBoxLayout>

namespace dlm {

QUrl modelCardUrl(const AboutModel &model)
{
    if (!model.dir.isEmpty()) {
        for (const QString &name :
            {QStringLiteral("README.md"), QStringLiteral("MODEL_CARD.md"), QStringLiteral("README")}) {
            const QFileInfo readme(QDir(model.dir).filePath(name));
            if (readme.isFile())
                return QUrl::fromLocalFile(readme.absoluteFilePath());
        }
    }
    if (model.name.count(QLatin1Char('/')) == 1 && !model.name.startsWith(QLatin1Char('/')))
        return QUrl(QStringLiteral("https://huggingface.co/") + model.name);
    return {};
}

QString aboutHtml(const AboutModel &model)
{
    QString html = AboutDialog::tr("<h2>DLM Studio</h2><p>Watch a masked diffusion language model denoise text "
                                   "step by step.</p>");
    html += QStringLiteral("<table>");
    for (const auto &[library, version] : buildVersions())
        html += QStringLiteral("<tr><td>%1</td><td>&nbsp;%2</td></tr>")
                    .arg(library.toHtmlEscaped(), version.toHtmlEscaped());
    html += QStringLiteral("</table>");
    if (model.dir.isEmpty()) {
        html += AboutDialog::tr("<p>No model loaded.</p>");
        return html;
    }
    html += AboutDialog::tr("<p><b>Model:</b> %1<br>%2<br><small>%3</small></p>")
                .arg(model.name.toHtmlEscaped(), model.summary.toHtmlEscaped(), model.dir.toHtmlEscaped());
    const QUrl card = modelCardUrl(model);
    if (card.isValid())
        html += AboutDialog::tr("<p><a href=\"%1\">Model card</a></p>").arg(card.toString(QUrl::FullyEncoded));
    else
        html += AboutDialog::tr("<p>This model directory has no README.md (model card).</p>");
    return html;
}

AboutDialog::AboutDialog(const AboutModel &model, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About DLM Studio"));
    auto *text = new QLabel(aboutHtml(model));
    text->setObjectName(QStringLiteral("aboutText"));
    text->setTextFormat(Qt::RichText);
    text->setOpenExternalLinks(true);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(buttons);
}

} // namespace dlm
