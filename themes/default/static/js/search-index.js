/* The search engine of the search page: reads the index itpm-site publishes in search/data/
   (see itpm_site/search_index.py for its files) and answers queries in the browser.

   ItpmSearch.open(metaURL, rootURL) gives an index with two methods:
   - search(query, filters): every record with all the query's words (each word also finds
     the words it begins and, on an English site, its other forms) that passes the filters
     ({facet: [values]}, values of a facet are alternatives), best first; or in title order
     without words. With it, for each filter value, how many records it would give with the
     query and the other filters, and the words of the index the query found.
   - record(id, terms, found): what a result shows (URL, title, badges, an excerpt with the
     words found marked, and the places on the page where they were found).

   Words are folded exactly as the indexer folds them: keep fold() and WORD in step with
   itpm_site/search_index.py. */
(function () {
  "use strict";

  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var WORD = /[\p{L}\p{N}]+/gu;
  var RUN = /[\p{L}\p{N}\p{M}]+/gu;  // a word as written, before its marks are folded away
  var FORMAT = 1;
  var MIN_PREFIX = 2;      // a one-letter word finds only itself
  var CUT_BACK_KEEPS = 5;  // letters a word not in the index keeps when cut back
  var EXCERPT_WORDS = 26;
  var K1 = 1.2, B = 0.75;  // BM25
  var TITLE_BONUS = 2, OWNER_BONUS = 1;

  function fold(text) {
    return String(text).toLowerCase().normalize("NFKD").replace(MARKS, "");
  }

  function words(text) {
    return fold(text).match(WORD) || [];
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

  function finds(term, word) {
    return term.length >= MIN_PREFIX ? word.lastIndexOf(term, 0) === 0 : word === term;
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

  // The chunks that may hold words beginning with `term` (or `term` itself, if short).
  Index.prototype.chunksFor = function (term) {
    var chunks = this.chunks;
    var lo = 0, hi = chunks.length - 1, first = 0;
    while (lo <= hi) {  // the last chunk whose first word is <= term
      var mid = (lo + hi) >> 1;
      if (chunks[mid][0] <= term) { first = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var names = [];
    for (var i = first; i < chunks.length; i++) {
      if (i > first && !(term.length >= MIN_PREFIX && finds(term, chunks[i][0]))) { break; }
      names.push(chunks[i][1]);
    }
    return names;
  };

  // Every word of the index beginning with `prefix` (only `prefix` itself when it is one
  // letter), with its postings and its stem ("" when a query cannot use it: the word is its
  // own stem and no other word has it).
  Index.prototype.begins = function (prefix) {
    var self = this;
    return Promise.all(this.chunksFor(prefix).map(function (name) { return self.file(name); }))
      .then(function (chunks) {
        var out = [];
        chunks.forEach(function (chunk) {
          var list = chunk.words;
          var lo = 0, hi = list.length;
          while (lo < hi) {  // the first word >= prefix
            var mid = (lo + hi) >> 1;
            if (list[mid] < prefix) { lo = mid + 1; } else { hi = mid; }
          }
          for (var w = lo; w < list.length && finds(prefix, list[w]); w++) {
            out.push({ word: list[w], postings: chunk.postings[w],
              stem: (chunk.stems && chunk.stems[w]) || "" });
          }
        });
        return out;
      });
  };

  // The words a query word finds, each with a weight: the word itself (1); the words it begins
  // (less the longer they are); and the other forms of those words (0.9: migrate finds
  // migration). The browser cannot stem, so on a stemmed (English) index a word the index
  // does not have is cut back, by up to four letters, to a stem the index has (delivered:
  // deliv, the stem of delivers; company: compani, Snowball's y made i) or, by up to three,
  // to a word it has (vendors: vendor), keeping at least CUT_BACK_KEEPS letters (planet must
  // not become plan). Only that stem's or word's forms are found then, at 0.9, not every word
  // that begins like it (company must not find commercial through 'com').
  Index.prototype.expand = function (term) {
    var self = this;
    return this.begins(term).then(function (found) {
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
      if (!self.stemmed) { return []; }
      var shorter = function (length) {
        var yToI = term[length] === "y" ? term.slice(0, length) + "i" : null;
        var keeps = length + (yToI ? 1 : 0);  // happy: happi keeps five letters
        if (keeps < CUT_BACK_KEEPS || length < term.length - 4) { return []; }
        var part = term.slice(0, length);
        return self.begins(part).then(function (near) {
          var forms = near.filter(function (f) {
            return f.stem && (f.stem === part || f.stem === yToI);
          });
          if (!forms.length && length >= term.length - 3) {
            var word = near.filter(function (f) { return f.word === part; })[0];
            if (word) { return self.forms(word.stem ? [word.stem] : [], [word]); }
          }
          if (!forms.length) { return shorter(length - 1); }
          return self.forms([forms[0].stem], forms);
        });
      };
      return Promise.resolve(shorter(term.length - 1)).then(function (words) {
        words.forEach(function (f) { f.weight = 0.9 * (f.weight === undefined ? 1 : f.weight); });
        return words;
      });
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
      return self.begins(prefix).then(function (near) {
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
  Index.prototype.scores = function (term) {
    var self = this;
    return this.expand(term).then(function (found) {
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

  Index.prototype.search = function (query, filters) {
    var self = this;
    var terms = Array.from(new Set(words(query || "")));
    var lookups = terms.map(function (term) { return self.scores(term); });
    return Promise.all(lookups).then(function (answers) {
      var found = new Set();
      answers.forEach(function (a) { a.words.forEach(function (w) { found.add(w); }); });
      var perTerm = answers.map(function (a) { return a.scores; });
      var total = null;  // record -> summed score, for records with every term
      perTerm.sort(function (a, b) { return a.size - b.size; });
      perTerm.forEach(function (scores, n) {
        if (n === 0) { total = new Map(scores); return; }
        total.forEach(function (sum, doc) {
          var s = scores.get(doc);
          if (s === undefined) { total.delete(doc); } else { total.set(doc, sum + s); }
        });
      });
      var answer = self.filtered(terms, total, self.chosen(filters));
      answer.words = Array.from(found);
      return answer;
    });
  };

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

  // `text` with the words found marked: the EXCERPT_WORDS words around most of them.
  // `found`: the words the query found (other forms among them), if known.
  function excerpt(text, terms, found) {
    var known = new Set(found || []);
    var spans = [];
    var match;
    RUN.lastIndex = 0;
    while ((match = RUN.exec(text))) {
      var hit = words(match[0]).some(function (w) {
        return known.has(w) || terms.some(function (t) { return finds(t, w); });
      });
      spans.push({ start: match.index, end: match.index + match[0].length, hit: hit });
    }
    var before = [0];  // before[i]: words found among the first i
    spans.forEach(function (s, i) { before.push(before[i] + (s.hit ? 1 : 0)); });
    var within = function (start) {
      return before[Math.min(spans.length, start + EXCERPT_WORDS)] - before[start];
    };
    var hits = before[spans.length];
    var from = 0;
    if (hits) {
      var best = -1;
      for (var start = 0; start <= Math.max(0, spans.length - EXCERPT_WORDS); start++) {
        if (within(start) > best) { best = within(start); from = start; }
      }
      // A few words of context before the first word found, if no word found is lost.
      var first = from;
      while (!spans[first].hit) { first++; }
      var shifted = Math.min(Math.max(0, first - 3), Math.max(0, spans.length - EXCERPT_WORDS));
      if (shifted > from && within(shifted) === best) { from = shifted; }
    }
    var to = Math.min(spans.length, from + EXCERPT_WORDS);
    if (!spans.length) { return { html: "", hits: 0 }; }
    var out = from > 0 ? "… " : escapeHTML(text.slice(0, spans[0].start));
    for (var k = from; k < to; k++) {
      var s = spans[k];
      var word = escapeHTML(text.slice(s.start, s.end));
      out += s.hit ? "<mark>" + word + "</mark>" : word;
      if (k + 1 < to) { out += escapeHTML(text.slice(s.end, spans[k + 1].start)); }
    }
    var tail = text.slice(spans[to - 1].end, to < spans.length ? spans[to].start : undefined);
    out += to < spans.length ? " …" : escapeHTML(tail);
    return { html: out, hits: hits };
  }

  Index.prototype.record = function (id, terms, found) {
    var root = this.root;
    return this.file("d/" + this.fragment[id] + ".sdat").then(function (fragment) {
      var url = new URL(fragment.url.replace(/^\//, ""), root).pathname;
      var subs = [];
      var opening = null;
      fragment.blocks.forEach(function (block, order) {
        var anchor = block[0], title = block[1];
        var cut = excerpt(block[2], terms, found);
        var inTitle = excerpt(title, terms, found).hits;
        if (anchor === null) {
          opening = cut;
          if (cut.hits) { subs.push({ url: url, title: fragment.title, excerpt: cut.html }); }
        } else if (cut.hits || inTitle) {
          subs.push({ url: url + "#" + encodeURIComponent(anchor), title: title,
            anchor: { id: anchor }, excerpt: cut.html, weight: cut.hits + 2 * inTitle,
            order: order });
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
      return load(new URL(meta.docs, metaURL).href).then(function (docs) {
        return new Index(metaURL, rootURL, meta, docs);
      });
    });
  }

  window.ItpmSearch = { open: open, fold: fold, words: words, excerpt: excerpt, Index: Index };
})();
