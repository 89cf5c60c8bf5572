/* The search engine of the search page: reads the index itpm-site publishes in search/data/
   (see itpm_site/search_index.py for its files) and answers queries in the browser.

   ItpmSearch.open(metaURL, rootURL) gives an index with two methods:
   - search(query, filters): every record with all the query's words (each word also finds
     the words it begins, the last word however short, and, on an English site, its other
     forms; a word that finds nothing finds the words one or two typos away) that passes the
     filters ({facet: [values]}, values of a facet are alternatives), best first, records
     with the words side by side first among the best; "quoted phrases" must be there word
     after word. Or in title order without words. With it, for each filter value, how many
     records it would give with the query and the other filters, and, for each word, the
     words of the index it found.
   - record(id, terms, found): what a result shows (URL, title, badges, the sentence with
     most of the words found, marked, and the places on the page where they were found).

   Words are folded exactly as the indexer folds them, with the table of letters the index
   carries: keep fold(), number() and WORD in step with itpm_site/search_index.py. */
(function () {
  "use strict";

  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  // A number with grouped digits (and the letters after it: 1.65M), or letters and digits of
  // any script with apostrophes inside: Python's _WORD.
  var WORD = /[0-9]+(?:[.,][0-9]+)+[\p{L}\p{N}]*|[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  var FORMAT = 2;
  var MIN_PREFIX = 2;      // a one-letter word finds only itself, unless it is the last
  var CUT_BACK_KEEPS = 5;  // letters a word not in the index keeps when cut back
  var TYPO_MIN = 4;        // shorter words are never corrected
  var TYPO_LONG = 8;       // from this length, two edits are allowed instead of one
  var TYPO_SHARED = 2;     // first letters a correction must share with the word typed
  var EXCERPT_WORDS = 30;
  var RERANK = 20;         // best records whose fragments are read to rank adjacent words
  var ADJACENT_BOOST = 0.6;
  var PHRASE_CHECKS = 60;  // records with all of a phrase's words that are read to check it
  var PROGRAM_WEIGHT = 0.7;  // a program page lists its projects: they come before it
  var K1 = 1.2, B = 0.75;  // BM25
  var TITLE_BONUS = 2, OWNER_BONUS = 1;

  // The index's table of letters NFKD leaves whole (ø, ß, ł ...) and of apostrophes: set by
  // open(), so a query is folded with the table its index was made with.
  var letters = {};
  var LETTER = null;
  var RUN = null;  // a word as written, before its marks are folded away

  function useLetters(table) {
    letters = table || {};
    var keys = Object.keys(letters).map(function (c) { return c.replace(/[\]\\^-]/g, "\\$&"); });
    LETTER = keys.length ? new RegExp("[" + keys.join("") + "]", "gu") : null;
    var apostrophes = "'" + Object.keys(letters).filter(function (c) {
      return letters[c] === "'";
    }).join("");
    RUN = new RegExp("[0-9]+(?:[.,][0-9]+)+[\\p{L}\\p{N}\\p{M}]*|[\\p{L}\\p{N}\\p{M}]+" +
      "(?:[" + apostrophes + "][\\p{L}\\p{N}\\p{M}]+)*", "gu");
  }
  useLetters({});

  function fold(text) {
    var out = String(text).toLowerCase().normalize("NFKD").replace(MARKS, "");
    return LETTER ? out.replace(LETTER, function (c) { return letters[c]; }) : out;
  }

  // Python's _number: thousands separators dropped, a decimal comma made a point.
  function number(token) {
    var digits = /^[0-9.,]+/.exec(token)[0];
    var suffix = token.slice(digits.length);
    var groups = digits.split(/[.,]/);
    var separators = new Set(digits.replace(/[0-9]/g, ""));
    var thousands = separators.size === 1 && groups.slice(1).every(function (g) {
      return g.length === 3;
    });
    if (thousands) { return groups.join("") + suffix; }
    return groups.slice(0, -1).join("") + "." + groups[groups.length - 1] + suffix;
  }

  function token(found) {
    return /[.,]/.test(found) ? number(found) : found.replace(/'/g, "");
  }

  function words(text) {
    return (fold(text).match(WORD) || []).map(token);
  }

  // The forms a word as written is found by: itself and, with an apostrophe, its parts.
  function writtenForms(written) {
    var folded = fold(written).match(WORD) || [];
    var out = folded.map(token);
    folded.forEach(function (w) { if (w.indexOf("'") >= 0) { out = out.concat(w.split("'")); } });
    return out;
  }

  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.arrayBuffer();
    }).then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {  // not already decoded by the server
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text();
      }
      return new TextDecoder().decode(bytes);
    }).then(JSON.parse);
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  // Whether `word` is found by `term`: as a beginning when `prefix`, else only itself.
  function finds(term, word, prefix) {
    return prefix ? word.lastIndexOf(term, 0) === 0 : word === term;
  }

  // Edits (a letter added, dropped, changed, or two swapped) from `a` to `b`, or more than
  // `limit` as soon as that is sure.
  function edits(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
    var before = null, previous = [], row = [];
    for (var j = 0; j <= b.length; j++) { previous.push(j); }
    for (var i = 1; i <= a.length; i++) {
      row = [i];
      var least = i;
      for (var k = 1; k <= b.length; k++) {
        var cost = a[i - 1] === b[k - 1] ? 0 : 1;
        var d = Math.min(previous[k] + 1, row[k - 1] + 1, previous[k - 1] + cost);
        if (before && i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) {
          d = Math.min(d, before[k - 2] + 1);
        }
        row.push(d);
        least = Math.min(least, d);
      }
      if (least > limit) { return limit + 1; }
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // The words of a query, in order, and its quoted phrases (a quote left open while typing
  // counts as closed).
  function parse(query) {
    var sequence = [], phrases = [];
    String(query || "").split(/["\u201c\u201d\u201e\u00ab\u00bb]/).forEach(function (piece, i) {
      var found = words(piece);
      sequence = sequence.concat(found);
      if (i % 2 === 1 && found.length > 1) { phrases.push(found); }
    });
    return { sequence: sequence, phrases: phrases, terms: Array.from(new Set(sequence)) };
  }

  function Index(base, root, meta, docs) {
    this.base = base;
    this.root = root;
    this.count = meta.count;
    this.average = meta.average_length || 1;
    this.chunks = meta.chunks;  // [[first word, file], ...] in word order
    this.stemmed = Boolean(meta.stemmed);
    this.length = docs.length;
    this.fragment = docs.fragment;
    this.facets = docs.facets;  // facet -> {values: [...], of: [value index per record]}
    this.loaded = {};           // file -> promise of its JSON
  }

  Index.prototype.file = function (name) {
    if (!this.loaded[name]) { this.loaded[name] = load(new URL(name, this.base).href); }
    return this.loaded[name];
  };

  // The chunks that may hold `term`, or the words it begins when `prefix`.
  Index.prototype.chunksFor = function (term, prefix) {
    var chunks = this.chunks;
    var lo = 0, hi = chunks.length - 1, first = 0;
    while (lo <= hi) {  // the last chunk whose first word is <= term
      var mid = (lo + hi) >> 1;
      if (chunks[mid][0] <= term) { first = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var names = [];
    for (var i = first; i < chunks.length; i++) {
      if (i > first && !(prefix && finds(term, chunks[i][0], true))) { break; }
      names.push(chunks[i][1]);
    }
    return names;
  };

  // Every word of the index beginning with `term` (only `term` itself unless `prefix`), with
  // its postings and its stem ("" when a query cannot use it: the word is its own stem and no
  // other word has it).
  Index.prototype.begins = function (term, prefix) {
    if (prefix === undefined) { prefix = term.length >= MIN_PREFIX; }
    var self = this;
    return Promise.all(this.chunksFor(term, prefix).map(function (name) {
      return self.file(name);
    })).then(function (chunks) {
      var out = [];
      chunks.forEach(function (chunk) {
        var list = chunk.words;
        var lo = 0, hi = list.length;
        while (lo < hi) {  // the first word >= term
          var mid = (lo + hi) >> 1;
          if (list[mid] < term) { lo = mid + 1; } else { hi = mid; }
        }
        for (var w = lo; w < list.length && finds(term, list[w], prefix); w++) {
          out.push({ word: list[w], postings: chunk.postings[w],
            stem: (chunk.stems && chunk.stems[w]) || "" });
        }
      });
      return out;
    });
  };

  // The words a query word finds, each with a weight: the word itself (1); the words it begins
  // (less the longer they are), the last word of a query however short; and the other forms
  // of those words (0.9: migrate finds migration). The browser cannot stem, so on a stemmed
  // (English) index a word the index does not have is cut back, by up to four letters, to a
  // stem the index has (delivered: deliv, the stem of delivers; company: compani, Snowball's
  // y made i) or, by up to three, to a word it has (vendors: vendor), keeping at least
  // CUT_BACK_KEEPS letters (planet must not become plan). Only that stem's or word's forms
  // are found then, at 0.9, not every word that begins like it (company must not find
  // commercial through 'com'). A word that finds nothing at all is taken for a typo last.
  Index.prototype.expand = function (term, last) {
    var self = this;
    var prefix = last || term.length >= MIN_PREFIX;
    return this.begins(term, prefix).then(function (found) {
      found.forEach(function (f) {
        f.weight = f.word === term ? 1 : 0.5 + 0.5 * term.length / f.word.length;
      });
      if (found.length) {
        // The stems of the word typed, or of the words it begins if it is not a word itself
        // (migrate: migrated and migrates, stem migrat, so migration too).
        // A short beginning ('co', as one types) begins too many words to follow their forms.
        var exact = found.filter(function (f) { return f.word === term; });
        var close = exact.length ? exact : found.filter(function (f) {
          return term.length >= 4 && f.word.length <= term.length + 3;
        });
        var stems = new Set(close.map(function (f) { return f.stem; })
          .filter(function (stem) { return stem && stem.length >= 3; }));
        return self.forms(Array.from(stems).slice(0, 8), found);
      }
      return self.cutBack(term).then(function (near) {
        return near.length ? near : self.corrections(term);
      });
    });
  };

  Index.prototype.cutBack = function (term) {
    var self = this;
    if (!this.stemmed) { return Promise.resolve([]); }
    var shorter = function (length) {
      var yToI = term[length] === "y" ? term.slice(0, length) + "i" : null;
      var keeps = length + (yToI ? 1 : 0);  // happy: happi keeps five letters
      if (keeps < CUT_BACK_KEEPS || length < term.length - 4) { return []; }
      var part = term.slice(0, length);
      return self.begins(part).then(function (near) {
        var found = near.filter(function (f) {
          return f.stem && (f.stem === part || f.stem === yToI);
        });
        if (!found.length && length >= term.length - 3) {
          var word = near.filter(function (f) { return f.word === part; })[0];
          if (word) { return self.forms(word.stem ? [word.stem] : [], [word]); }
        }
        if (!found.length) { return shorter(length - 1); }
        return self.forms([found[0].stem], found);
      });
    };
    return Promise.resolve(shorter(term.length - 1)).then(function (found) {
      found.forEach(function (f) { f.weight = 0.9 * (f.weight === undefined ? 1 : f.weight); });
      return found;
    });
  };

  // The words of the index within one edit of `term` (two for a long word) that begin with
  // the same letters, closest first: pasword finds password. Nonsense stays unfound, as no
  // word is that close to it.
  Index.prototype.corrections = function (term) {
    if (term.length < TYPO_MIN || /[0-9]/.test(term)) { return Promise.resolve([]); }
    var limit = term.length >= TYPO_LONG ? 2 : 1;
    return this.begins(term.slice(0, TYPO_SHARED), true).then(function (near) {
      var best = limit + 1;
      near.forEach(function (f) {
        f.edits = edits(term, f.word, limit);
        best = Math.min(best, f.edits);
      });
      return near.filter(function (f) { return f.edits === best && best <= limit; })
        .map(function (f) { f.weight = best === 1 ? 0.8 : 0.6; return f; });
    });
  };

  // `found` and every other word with one of `stems`. A stem is a beginning of its words,
  // but for a last i that stands for y (polici: policy, policies).
  Index.prototype.forms = function (stems, found) {
    var self = this;
    var have = new Set(found.map(function (f) { return f.word; }));
    return Promise.all(stems.map(function (stem) {
      var prefix = /i$/.test(stem) ? stem.slice(0, -1) : stem;
      if (prefix.length < 3) { return []; }
      return self.begins(prefix, true).then(function (near) {
        return near.filter(function (f) { return f.stem === stem; });
      });
    })).then(function (lists) {
      lists.forEach(function (list) {
        list.forEach(function (f) {
          if (!have.has(f.word)) {
            have.add(f.word);
            f.weight = 0.9;
            found.push(f);
          }
        });
      });
      return found;
    });
  };

  // {scores: record number -> score of `term`, words: the words it found}. A record's score
  // is its best word's, times how rare the term is among records: a rare longer word
  // (database, for data) must not outrank the word itself.
  Index.prototype.scores = function (term, last) {
    var self = this;
    return this.expand(term, last).then(function (found) {
      var scores = new Map();
      found.forEach(function (f) { self.score(f.postings, f.weight, scores); });
      var idf = Math.log(1 + (self.count - scores.size + 0.5) / (scores.size + 0.5));
      scores.forEach(function (s, doc) { scores.set(doc, s * idf); });
      return { scores: scores, words: found.map(function (f) { return f.word; }) };
    });
  };

  Index.prototype.score = function (postings, weight, scores) {
    var doc = 0;
    for (var i = 0; i < postings.length; i += 2) {
      doc += postings[i];
      var code = postings[i + 1];
      var tf = code >> 2;
      var norm = 1 - B + B * this.length[doc] / this.average;
      var s = weight * (tf * (K1 + 1) / (tf + K1 * norm) +
        (code & 2 ? TITLE_BONUS : 0) + (code & 1 ? OWNER_BONUS : 0));
      if (!(scores.get(doc) >= s)) { scores.set(doc, s); }
    }
  };

  // Filters as {facet: Set of value indexes}.
  Index.prototype.chosen = function (filters) {
    var out = {};
    var facets = this.facets;
    Object.keys(filters || {}).forEach(function (facet) {
      var values = filters[facet] || [];
      if (!values.length || !facets[facet]) { return; }
      // A value no record has (a shared link, a value since gone) is left out: with none of
      // the chosen values left, nothing passes, as nothing has them.
      var set = new Set();
      values.forEach(function (v) {
        var i = facets[facet].values.indexOf(v);
        if (i >= 0) { set.add(i); }
      });
      out[facet] = set;
    });
    return out;
  };

  // Every record with all the query's words that passes the filters, best first; quoted
  // phrases must be there word after word, and records with the query's words side by side
  // rank higher. `found` holds, for each term, the words of the index it found.
  Index.prototype.search = function (query, filters) {
    var self = this;
    var parsed = parse(query);
    var terms = parsed.terms;
    var last = parsed.sequence[parsed.sequence.length - 1];
    var lookups = terms.map(function (term) { return self.scores(term, term === last); });
    return Promise.all(lookups).then(function (answers) {
      var found = answers.map(function (a) { return a.words; });
      var perTerm = answers.map(function (a) { return a.scores; });
      var total = null;  // record -> summed score, for records with every term
      perTerm.slice().sort(function (a, b) { return a.size - b.size; }).forEach(
        function (scores, n) {
          if (n === 0) { total = new Map(scores); return; }
          total.forEach(function (sum, doc) {
            var s = scores.get(doc);
            if (s === undefined) { total.delete(doc); } else { total.set(doc, sum + s); }
          });
        });
      self.weighProgramsDown(total);
      var ask = { terms: terms, found: found, sequence: parsed.sequence };
      return self.keepPhrases(total, ask, parsed.phrases).then(function () {
        var answer = self.filtered(terms, total, self.chosen(filters));
        return self.rankAdjacent(answer.ids, total, ask).then(function () {
          answer.words = Array.from(new Set([].concat.apply([], found)));
          answer.found = found;
          return answer;
        });
      });
    });
  };

  Index.prototype.weighProgramsDown = function (total) {
    var type = this.facets && this.facets.type;
    var program = type ? type.values.indexOf("program") : -1;
    if (program < 0 || total === null) { return; }
    total.forEach(function (score, doc) {
      if (type.of[doc] === program) { total.set(doc, score * PROGRAM_WEIGHT); }
    });
  };

  Index.prototype.fragmentOf = function (doc) {
    return this.file("d/" + this.fragment[doc] + ".sdat");
  };

  // Keeps in `total` the records with every phrase, word after word, among the best
  // PHRASE_CHECKS with all the words (their fragments are read to know): a bound on what a
  // phrase costs, at the price of a match further down the ranking.
  Index.prototype.keepPhrases = function (total, ask, phrases) {
    if (!phrases.length || total === null) { return Promise.resolve(); }
    var self = this;
    var best = Array.from(total.keys()).sort(function (a, b) {
      return total.get(b) - total.get(a) || a - b;
    });
    best.slice(PHRASE_CHECKS).forEach(function (doc) { total.delete(doc); });
    best = best.slice(0, PHRASE_CHECKS);
    return Promise.all(best.map(function (doc) {
      return self.fragmentOf(doc).then(function (fragment) {
        var runs = sequences(fragment);
        var all = phrases.every(function (phrase) {
          return runs.some(function (run) { return adjacent(run, phrase, ask) === phrase.length - 1; });
        });
        if (!all) { total.delete(doc); }
      });
    }));
  };

  // Raises the best RERANK of `ids` whose text has the query's words side by side, in order;
  // these fragments are the ones the first page of results shows.
  Index.prototype.rankAdjacent = function (ids, total, ask) {
    if (ask.sequence.length < 2 || total === null) { return Promise.resolve(); }
    var self = this;
    var top = ids.slice(0, RERANK);
    return Promise.all(top.map(function (doc) {
      return self.fragmentOf(doc).then(function (fragment) {
        var pairs = 0;
        sequences(fragment).forEach(function (run) {
          pairs = Math.max(pairs, adjacent(run, ask.sequence, ask));
        });
        return total.get(doc) * (1 + ADJACENT_BOOST * pairs / (ask.sequence.length - 1));
      });
    })).then(function (boosted) {
      var order = top.map(function (doc, i) { return { doc: doc, score: boosted[i] }; });
      order.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      order.forEach(function (o, i) { ids[i] = o.doc; });
    });
  };

  // The runs of text of a fragment in which words are side by side: its title, then each
  // block's title and text. Each word is the list of forms it is found by.
  function sequences(fragment) {
    var runs = [fragment.title];
    fragment.blocks.forEach(function (block) { runs.push(block[1], block[2]); });
    return runs.map(function (text) {
      return (String(text || "").match(RUN) || []).map(writtenForms);
    });
  }

  var sets = new WeakMap();
  function asSet(list) {
    if (!sets.has(list)) { sets.set(list, new Set(list)); }
    return sets.get(list);
  }

  // Whether a word (its forms) is found by the term `word` of the query.
  function foundBy(formsOf, word, ask) {
    var k = ask.terms.indexOf(word);
    var known = asSet(k >= 0 ? ask.found[k] : []);
    return formsOf.some(function (f) { return f === word || known.has(f); });
  }

  // The most pairs of consecutive query words (`sequence`) found side by side, in order, in
  // `run`: sequence.length - 1 when the whole sequence is there.
  function adjacent(run, sequence, ask) {
    var best = 0;
    for (var i = 0; i < run.length; i++) {
      for (var q = 0; q < sequence.length - 1; q++) {
        var n = 0;
        while (i + n + 1 < run.length && q + n + 1 < sequence.length &&
               foundBy(run[i + n], sequence[q + n], ask) &&
               foundBy(run[i + n + 1], sequence[q + n + 1], ask)) { n++; }
        best = Math.max(best, n);
      }
    }
    return best;
  }

  // The records passing every filter, and the counts per filter value: a record failing just
  // one filter is counted under that filter's values, which are alternatives to the chosen.
  Index.prototype.filtered = function (terms, total, chosen) {
    var facets = this.facets;
    var names = Object.keys(facets);
    var active = names.filter(function (f) { return chosen[f]; });
    var counts = {};
    names.forEach(function (f) { counts[f] = new Array(facets[f].values.length).fill(0); });
    var ids = [];
    var count = function (doc) {
      var failed = null;
      for (var i = 0; i < active.length; i++) {
        if (!chosen[active[i]].has(facets[active[i]].of[doc])) {
          if (failed !== null) { return; }
          failed = active[i];
        }
      }
      var which = failed === null ? names : [failed];
      for (var j = 0; j < which.length; j++) {
        var v = facets[which[j]].of[doc];
        if (v >= 0) { counts[which[j]][v] += 1; }
      }
      if (failed === null) { ids.push(doc); }
    };
    if (total === null) {
      for (var doc = 0; doc < this.count; doc++) { count(doc); }
    } else {
      total.forEach(function (_, d) { count(d); });
      ids.sort(function (a, b) { return total.get(b) - total.get(a) || a - b; });
    }
    var named = {};
    names.forEach(function (f) {
      named[f] = {};
      facets[f].values.forEach(function (value, i) { named[f][value] = counts[f][i]; });
    });
    return { ids: ids, counts: named, terms: terms };
  };

  // For each word written in `text`: where it is, and which terms of the query find it.
  // `found`: for each term, the words of the index it found (or one list for all, or none:
  // then a word is found by a term it begins).
  function spansOf(text, terms, found) {
    var spans = [];
    var match;
    RUN.lastIndex = 0;
    while ((match = RUN.exec(text))) {
      var own = writtenForms(match[0]);
      var hits = [];
      terms.forEach(function (term, k) {
        var known = asSet(!found ? [] : (Array.isArray(found[k]) ? found[k] : found));
        if (own.some(function (w) {
          return w === term || known.has(w) || (!found && finds(term, w, true));
        })) { hits.push(k); }
      });
      spans.push({ start: match.index, end: match.index + match[0].length, hits: hits });
    }
    return spans;
  }

  // The sentences of `text` as [first span, last span + 1]: a sentence ends where . ! ? or …
  // is followed by a space.
  function sentences(text, spans) {
    var out = [];
    var start = 0;
    for (var i = 0; i < spans.length; i++) {
      var gap = text.slice(spans[i].end, i + 1 < spans.length ? spans[i + 1].start : undefined);
      if (i + 1 === spans.length || /[.!?…](\s|$)/.test(gap)) {
        out.push([start, i + 1]);
        start = i + 1;
      }
    }
    return out;
  }

  function marked(text, spans, from, to) {
    var out = "";
    for (var k = from; k < to; k++) {
      var s = spans[k];
      var word = escapeHTML(text.slice(s.start, s.end));
      out += s.hits.length ? "<mark>" + word + "</mark>" : word;
      if (k + 1 < to) { out += escapeHTML(text.slice(s.end, spans[k + 1].start)); }
    }
    return out;
  }

  // `text` with the words found marked, as a result shows it: the sentence with most of the
  // query's words (the first on a tie), cut to EXCERPT_WORDS words around them if longer.
  function excerpt(text, terms, found) {
    text = String(text || "");
    var spans = spansOf(text, terms, found);
    if (!spans.length) { return { html: "", hits: 0 }; }
    var hits = spans.filter(function (s) { return s.hits.length; }).length;
    var best = null, bestScore = -1;
    sentences(text, spans).forEach(function (range) {
      var distinct = new Set(), count = 0;
      for (var i = range[0]; i < range[1]; i++) {
        spans[i].hits.forEach(function (k) { distinct.add(k); });
        if (spans[i].hits.length) { count++; }
      }
      var score = distinct.size * 1000 + count;
      if (score > bestScore) { best = range; bestScore = score; }
    });
    var from = best[0], to = best[1];
    if (to - from > EXCERPT_WORDS) {
      // The window of the sentence with most words found, from a few words before the first.
      var within = function (w) {
        var n = 0;
        for (var j = w; j < w + EXCERPT_WORDS; j++) { if (spans[j].hits.length) { n++; } }
        return n;
      };
      var start = from, most = -1;
      for (var w = from; w + EXCERPT_WORDS <= to; w++) {
        if (within(w) > most) { most = within(w); start = w; }
      }
      var first = start;
      while (first < start + EXCERPT_WORDS - 1 && !spans[first].hits.length) { first++; }
      var shifted = Math.min(Math.max(from, first - 3), to - EXCERPT_WORDS);
      if (shifted > start && within(shifted) === most) { start = shifted; }
      from = start;
      to = start + EXCERPT_WORDS;
    }
    var out = from > 0 ? "… " : escapeHTML(text.slice(0, spans[0].start));
    out += marked(text, spans, from, to);
    var tail = text.slice(spans[to - 1].end, to < spans.length ? spans[to].start : undefined);
    if (to < spans.length) {
      out += /^[.!?…]/.test(tail) ? escapeHTML(tail.charAt(0)) + " …" : " …";
    } else {
      out += escapeHTML(tail);
    }
    return { html: out, hits: hits };
  }

  // `text` escaped, every word found marked (a title).
  function markAll(text, terms, found) {
    text = String(text || "");
    var spans = spansOf(text, terms, found);
    if (!spans.length) { return { html: escapeHTML(text), hits: 0 }; }
    var html = escapeHTML(text.slice(0, spans[0].start)) + marked(text, spans, 0, spans.length) +
      escapeHTML(text.slice(spans[spans.length - 1].end));
    return { html: html, hits: spans.filter(function (s) { return s.hits.length; }).length };
  }

  Index.prototype.record = function (id, terms, found) {
    var root = this.root;
    return this.fragmentOf(id).then(function (fragment) {
      var url = new URL(fragment.url.replace(/^\//, ""), root).pathname;
      var subs = [];
      var opening = null;
      fragment.blocks.forEach(function (block, order) {
        var anchor = block[0], title = block[1];
        var cut = excerpt(block[2], terms, found);
        var heading = markAll(title, terms, found);
        if (anchor === null) {
          opening = cut;
          if (cut.hits) { subs.push({ url: url, title: fragment.title, excerpt: cut.html }); }
        } else if (cut.hits || heading.hits) {
          subs.push({ url: url + "#" + encodeURIComponent(anchor), title: title,
            title_html: heading.html, anchor: { id: anchor }, excerpt: cut.html,
            weight: cut.hits + 2 * heading.hits, order: order });
        }
      });
      subs.sort(function (a, b) {
        return ((b.weight || 0) - (a.weight || 0)) || ((a.order || 0) - (b.order || 0));
      });
      return {
        url: url,
        meta: Object.assign({ title: fragment.title }, fragment.meta),
        filters: { type: [fragment.type] },
        excerpt: opening ? opening.html : "",
        sub_results: subs
      };
    });
  };

  function open(metaURL, rootURL) {
    return fetch(metaURL, { cache: "no-cache" }).then(function (response) {
      if (!response.ok) { throw new Error(metaURL + ": HTTP " + response.status); }
      return response.json();
    }).then(function (meta) {
      if (meta.format !== FORMAT) { throw new Error("unknown search index format " + meta.format); }
      useLetters(meta.letters);
      return load(new URL(meta.docs, metaURL).href).then(function (docs) {
        return new Index(metaURL, rootURL, meta, docs);
      });
    });
  }

  window.ItpmSearch = { open: open, fold: fold, words: words, excerpt: excerpt, Index: Index,
    useLetters: useLetters, edits: edits, parse: parse };
})();
