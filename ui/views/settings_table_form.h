// SPDX-License-Identifier: GPL-3.0-or-later
// A form built from a command's settings table (types/option_field.h): one
// widget per field with the CLI flag as its label, the table's help, range and
// choices as its tooltip, and the settings struct's default as its value. The
// form hands back flag -> text values for the backend to check, and marks the
// field an error names. No default, range or help is written here.
#pragma once

#include "types/option_field.h"

#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QFormLayout;
class QLabel;

namespace rlrf::ui {

/// One field as the form needs it: the table's facts without the settings type.
struct FormField {
    std::string flag;
    std::string help; // with choices and default, as `--help` prints it
    options::Kind kind = options::Kind::Text;
    double minimum = -options::kNoLimit;
    double maximum = options::kNoLimit;
    bool minExclusive = false;
    std::vector<std::string> choices;
    std::string defaultValue;
};

template <class Settings>
std::vector<FormField> formFields(const std::vector<options::Field<Settings>> &table, const Settings &defaults = Settings{})
{
    std::vector<FormField> out;
    for (const auto &f : table)
        out.push_back({f.flag, options::helpWithDefault(f, defaults), f.kind, f.minimum, f.maximum, f.minExclusive,
                       f.choices, f.get(defaults)});
    return out;
}

class SettingsTableForm : public QWidget {
    Q_OBJECT
public:
    /// `objectPrefix` names the widgets ("run.field.prompts") for tests and tools.
    SettingsTableForm(std::vector<FormField> fields, const QString &objectPrefix, QWidget *parent = nullptr);

    /// Every field's current text ("1"/"0" for a switch).
    std::map<std::string, std::string> values() const;
    /// Sets the fields named in `values` (a stored run's settings); others keep theirs.
    void setValues(const std::map<std::string, std::string> &values);
    void resetToDefaults();
    /// Hides a field that another control sets (the method chooses --baseline).
    void hideField(const std::string &flag);
    /// Marks the field `flag` ("--prompts" or "prompts") with `message`; an empty
    /// flag clears every mark. Returns false when no such field is shown.
    bool markError(const std::string &flag, const QString &message);
    QString errorText() const;
    void setReadOnly(bool readOnly);
    QWidget *editorOf(const std::string &flag) const;

Q_SIGNALS:
    void edited();

private:
    struct Row {
        FormField field;
        QWidget *editor = nullptr;
        QLabel *label = nullptr;
    };
    QWidget *makeEditor(const FormField &field);
    std::string textOf(const Row &row) const;
    void setText(Row &row, const std::string &text);

    std::vector<Row> m_rows;
    QFormLayout *m_layout;
    QLabel *m_error;
};

} // namespace rlrf::ui
