// SPDX-License-Identifier: GPL-3.0-or-later
// The words of the arithmetic stories: themes (buying, giving away, collecting,
// baking, sharing equally), their objects and sentence templates, and the names.
// Placeholders: {N} the main person, {F} a friend, {P} He/She, {p} his/her,
// {s} he/she, {q} him/her, {n} a number, {o} the objects. Internal to arith_story.cpp.
#pragma once

#include <array>
#include <vector>

namespace rlrf::tasks::arith_story {

struct Theme {
    const char *name;
    std::vector<const char *> objects;
    std::vector<const char *> start;
    std::array<std::vector<const char *>, 4> events; // indexed by ArithOp
};

struct Person {
    const char *name;
    bool female;
};

inline const std::vector<Theme> &themes()
{
    static const std::vector<Theme> table = {
        {"buying",
         {"apples", "pencils", "oranges", "notebooks", "balloons", "erasers", "candles", "lemons"},
         {"{N} has {n} {o}.", "{N} starts the day with {n} {o}."},
         {{{"{P} buys {n} more {o} at the shop.", "{P} buys another {n} {o}."},
           {"{P} sells {n} {o} to {F}.", "{P} returns {n} {o} to the shop."},
           {"{P} buys enough to have {n} times as many {o} as before.", "{P} keeps buying until {s} has {n} times as many {o}."},
           {"{P} puts the {o} into {n} equal bags and keeps one bag.", "{P} divides the {o} into {n} equal groups and keeps one group."}}}},
        {"giving away",
         {"marbles", "stickers", "cards", "sweets", "toy cars", "crayons"},
         {"{N} owns {n} {o}.", "{N} keeps {n} {o} in a tin."},
         {{{"{F} gives {q} {n} more {o}.", "{P} wins {n} {o} in a game."},
           {"{P} gives {n} {o} to {F}.", "{P} gives away {n} {o}."},
           {"After a good trade {s} has {n} times as many {o} as before.", "{F} trades with {q} so that {s} has {n} times as many {o}."},
           {"{P} splits the {o} into {n} equal piles and keeps one pile.", "{P} hands out the {o} equally to {n} children, {q}self included, and keeps one share."}}}},
        {"collecting",
         {"shells", "stamps", "leaves", "stones", "feathers", "coins"},
         {"{N} has collected {n} {o}.", "{N} starts a collection with {n} {o}."},
         {{{"{P} finds {n} more {o} on a walk.", "{P} collects {n} more {o}."},
           {"{P} loses {n} {o}.", "{F} takes {n} of the {o}."},
           {"By the end of the month {p} collection is {n} times as big.", "After a holiday {s} has {n} times as many {o}."},
           {"{P} sorts the {o} into {n} equal boxes and gives away all but one box.", "{P} splits the {o} into {n} equal sets and keeps one set."}}}},
        {"baking",
         {"cookies", "muffins", "cupcakes", "rolls", "pies", "tarts"},
         {"{N} bakes {n} {o}.", "{N} takes {n} {o} out of the oven."},
         {{{"{P} bakes {n} more {o}.", "{F} brings {q} {n} more {o}."},
           {"{P} eats {n} of the {o}.", "{P} gives {n} {o} to {F}."},
           {"{P} keeps baking until there are {n} times as many {o}.", "{F} helps, and now there are {n} times as many {o}."},
           {"{P} packs the {o} equally into {n} boxes and keeps one box.", "{P} puts the {o} equally on {n} plates and keeps one plate."}}}},
        {"sharing equally",
         {"grapes", "nuts", "candies", "strawberries", "cherries"},
         {"{N} picks {n} {o}.", "{N} has a bowl with {n} {o}."},
         {{{"{P} picks {n} more {o}.", "{F} gives {q} {n} more {o}."},
           {"{P} drops {n} {o}.", "{F} eats {n} of the {o}."},
           {"{F} gives {q} so many that {s} has {n} times as many {o}.", "{P} picks so many more that {s} has {n} times as many {o}."},
           {"{P} shares the {o} equally among {n} people, counting {q}self, and keeps one share.", "{P} divides the {o} equally among {n} friends, counting {q}self, and keeps one share."}}}},
    };
    return table;
}

inline const std::vector<Person> &people()
{
    static const std::vector<Person> table = {
        {"Mia", true},   {"Tom", false},  {"Ava", true},   {"Leo", false},  {"Zoe", true},
        {"Sam", false},  {"Lily", true},  {"Ben", false},  {"Nora", true},  {"Max", false},
        {"Ella", true},  {"Omar", false}, {"Ruby", true},  {"Jack", false}, {"Iris", true},
        {"Ravi", false}, {"Maya", true},  {"Finn", false}, {"Lena", true},  {"Hugo", false},
        {"Sofia", true}, {"Kenji", false}, {"Amara", true}, {"Luca", false},
    };
    return table;
}

inline const std::vector<const char *> &questions()
{
    static const std::vector<const char *> table = {
        "How many {o} does {N} have now?",
        "How many {o} does {N} have in the end?",
    };
    return table;
}

} // namespace rlrf::tasks::arith_story
