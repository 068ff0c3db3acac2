/* The query workbench: YASGUI (static/vendor/yasgui/) over this server's /sparql.
 *
 * Everything comes from this server: the endpoint, the prefixes the editor completes
 * (/query/prefixes.json instead of prefix.cc), the gallery queries. Nothing is kept in the
 * browser's storage; the page's address is the state, so a link always opens what it says.
 * Without scripts the page still works: a plain form posts the query to /sparql. */
(function () {
  "use strict";

  var root = document.getElementById("workbench");
  var Yasgui = window.Yasgui;
  if (!root || typeof Yasgui !== "function") {
    return;
  }
  var data = root.dataset;
  var here = window.location.href;
  var endpoint = new URL(data.endpoint, here).href; // YASGUI parses it with new URL(): absolute
  var namespace = data.namespace; // our IRIs start with it and are served at the same path here
  var prefixes = {}; // ours, to shorten result IRIs; filled from /query/prefixes.json
  var example = null; // {name, text} of the gallery query last loaded, while unedited

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function shortName(iri, known) {
    var best = null;
    Object.keys(known || {}).forEach(function (prefix) {
      var ns = known[prefix];
      if (ns && iri.indexOf(ns) === 0 && (best === null || ns.length > known[best].length)) {
        best = prefix;
      }
    });
    return best === null ? null : best + ":" + iri.slice(known[best].length);
  }

  /* A result IRI as HTML: ours link to our page (namespace + id/country/KHM -> /id/country/KHM),
   * other http(s) IRIs link out in a new tab, anything else is only text. */
  function iriHtml(iri, known) {
    var name = shortName(iri, known);
    var text = escapeHtml(name === null ? "<" + iri + ">" : name);
    var title = ' title="' + escapeHtml(iri) + '"';
    if (iri.indexOf(namespace) === 0) {
      var path = "/" + iri.slice(namespace.length);
      return '<a class="iri local" href="' + escapeHtml(path) + '"' + title + ">" + text + "</a>";
    }
    if (/^https?:\/\//i.test(iri)) {
      return '<a class="iri external" href="' + escapeHtml(iri) + '"' + title +
        ' target="_blank" rel="noopener noreferrer" aria-description="' + escapeHtml(data.textExternal) + '">' +
        text + "</a>";
    }
    return '<span class="iri"' + title + ">" + text + "</span>";
  }

  /* YASR's table plugin draws every IRI (and literal datatype) through getUriLinkFromBinding:
   * a subclass registered under the same name changes how they link. Cells show their whole
   * text unless the reader turns "Ellipse" on: a cut cell takes the first click to open, so its
   * link would need two. */
  var Table = Yasgui.Yasr.plugins.table;
  class LinkedTable extends Table {
    constructor(yasr) {
      super(yasr);
      this.persistentConfig = {isEllipsed: false, compact: true};
    }

    getUriLinkFromBinding(binding, known) {
      return iriHtml(binding.value, known);
    }
  }
  Yasgui.Yasr.registerPlugin("table", LinkedTable);

  /* Only the prefix and variable completers: the class and property ones ask lov.linkeddata.es.
   * The prefix list comes from prefixCcApi (ours) and is not cached in localStorage, so it
   * follows the server. Yasgui.defaults.yasqe is Yasqe.defaults; arrays are replaced here because
   * YASGUI merges configuration arrays index by index. */
  var Yasqe = Yasgui.Yasqe;
  Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, {persistenceId: null}));
  Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
  Yasgui.defaults.yasr.pluginOrder = ["table", "response"];

  function shareUrl(text) {
    return new URL(data.page + "?query=" + encodeURIComponent(text), here).href;
  }

  function exampleUrl(name) {
    return data.page + "?example=" + encodeURIComponent(name);
  }

  /* YASQE's own Share button gives the same link as ours. */
  Yasgui.Tab.prototype.getShareableLink = function () {
    return shareUrl(this.getQuery());
  };

  var form = document.getElementById("query-form");
  var source = document.getElementById("query-text");
  var mount = document.getElementById("yasgui");
  form.hidden = true;
  mount.hidden = false;

  var yasgui = new Yasgui(mount, {
    persistenceId: null, // no localStorage: the address bar is the state
    populateFromUrl: false, // we read ?query= ourselves and never take an endpoint from a link
    autofocus: false,
    tabName: "Query",
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () {
        return [{endpoint: endpoint}];
      },
    },
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
    yasqe: {
      value: source.value,
      prefixCcApi: new URL(data.prefixes, here).href,
      editorHeight: "22rem",
    },
    yasr: {
      prefixes: function () {
        return prefixes;
      },
      defaultPlugin: "table",
      persistenceId: null,
    },
  });

  function currentTab() {
    return yasgui.getTab();
  }

  function currentText() {
    var tab = currentTab();
    return tab ? tab.getQuery() : source.value;
  }

  /* Download links and the share link follow the editor text. */
  function refreshLinks() {
    var text = currentText();
    var encoded = encodeURIComponent(text);
    document.querySelectorAll("a.download").forEach(function (link) {
      link.href = data.endpoint + "?query=" + encoded + "&format=" + link.dataset.format;
    });
    var yasqe = currentTab() && currentTab().getYasqe();
    var kind = yasqe ? yasqe.getQueryType() : null;
    var graph = kind === "CONSTRUCT" || kind === "DESCRIBE";
    document.getElementById("download-csv").hidden = graph;
    document.getElementById("download-turtle").hidden = !graph && kind !== null;
    document.getElementById("share-link").href = shareUrl(text);
    if (example && example.text !== text) {
      example = null;
    }
  }

  var hooked = new WeakSet();
  function watchCurrentEditor() {
    var tab = currentTab();
    var yasqe = tab && tab.getYasqe();
    if (yasqe && !hooked.has(yasqe)) {
      hooked.add(yasqe);
      yasqe.on("change", refreshLinks);
    }
    refreshLinks();
  }
  ["tabSelect", "tabAdd", "tabClose"].forEach(function (event) {
    yasgui.on(event, function () {
      window.setTimeout(watchCurrentEditor, 0);
    });
  });
  yasgui.on("query", function () {
    var text = currentText();
    var address = example && example.text === text ? exampleUrl(example.name) : shareUrl(text);
    window.history.replaceState(null, "", address);
  });

  function markCurrent(name) {
    document.querySelectorAll(".gallery-item").forEach(function (item) {
      if (item.dataset.name === name) {
        item.setAttribute("aria-current", "true");
      } else {
        item.removeAttribute("aria-current");
      }
    });
  }

  function run() {
    var tab = currentTab();
    if (tab) {
      tab.query().catch(function () {}); // errors are shown in the results area
    }
  }

  /* Run in the gallery: the query's text goes into the editor and runs, without leaving the page. */
  function runExample(name) {
    var file = data.galleryFile.replace("NAME", name.split("/").map(encodeURIComponent).join("/"));
    return fetch(file).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status + " " + response.statusText);
      }
      return response.text();
    }).then(function (text) {
      var tab = currentTab();
      tab.setQuery(text);
      example = {name: name, text: text};
      markCurrent(name);
      refreshLinks();
      window.history.replaceState(null, "", exampleUrl(name));
      root.parentNode.scrollIntoView({block: "start", behavior: "smooth"});
      run();
    });
  }

  document.querySelectorAll("a.run-query").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; // a new tab or window: the link itself opens the query
      }
      event.preventDefault();
      runExample(link.dataset.name).catch(function () {
        window.location.href = link.href;
      });
    });
  });

  /* Copy link to this query. */
  var shareButton = document.getElementById("share-query");
  var shareBox = document.getElementById("share-url");
  var shareStatus = document.getElementById("share-status");
  shareButton.hidden = false;
  shareButton.addEventListener("click", function () {
    var url = shareUrl(currentText());
    shareBox.value = url;
    shareBox.hidden = false;
    var copied = navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject(new Error("no clipboard"));
    copied.then(function () {
      shareStatus.textContent = data.textCopied;
    }, function () {
      shareBox.focus();
      shareBox.select();
      shareStatus.textContent = data.textCopyFailed;
    });
  });

  if (data.current) {
    example = {name: data.current, text: source.value};
  }
  watchCurrentEditor();
  var ready = fetch(data.prefixes).then(function (response) {
    return response.ok ? response.json() : {};
  }).then(function (json) {
    Object.assign(prefixes, json);
  }).catch(function () {});
  if (data.autorun === "true") {
    ready.then(run);
  }
  root.classList.add("ready");
}());
