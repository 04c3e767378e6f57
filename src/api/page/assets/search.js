/*
 * The search page's enhancements. Without this script the page is a GET form and links;
 * with it:
 *
 * - the search box is a combobox (the WAI-ARIA pattern, list autocomplete): suggestions
 *   from `suggest?q=...` appear as you type; Up and Down move through them, Enter searches
 *   for the one chosen, Escape closes the list;
 * - searches, filters and page links fetch the server-rendered page and replace only the
 *   regions marked `data-swap`, keep the address bar in step with history.pushState, and
 *   announce the new result count in the page's live region;
 * - ticking or clearing "I am a professional" while results are shown searches again in
 *   place, keeping the filters chosen (without the script, the Search button does it).
 *
 * Any failure falls back to loading the page normally.
 */
(function () {
  "use strict";

  var SUGGEST_DELAY_MS = 200;
  var SUGGEST_LIMIT = 8;
  var MIN_SUGGEST_CHARS = 2;

  document.documentElement.classList.add("js-enabled");

  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var audience = document.getElementById("audience");
  var count = document.getElementById("result-count");
  if (!form || !input || !count || !window.fetch || !window.DOMParser || !window.history) {
    return;
  }

  focusErrorSummary();

  /* ---- Results in place ---- */

  var loadNumber = 0;
  var shownSearch = window.location.search;

  function searchAddress() {
    var fields = new URLSearchParams(new FormData(form));
    return "?" + fields.toString();
  }

  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  function announce(text) {
    // Emptying first makes a repeated sentence count as a change.
    count.textContent = "";
    window.setTimeout(function () {
      count.textContent = text;
    }, 100);
  }

  function swapRegions(fresh) {
    var regions = document.querySelectorAll("[data-swap]");
    Array.prototype.forEach.call(regions, function (region) {
      var replacement = fresh.getElementById(region.id);
      if (replacement) {
        region.replaceWith(document.importNode(replacement, true));
      } else {
        region.innerHTML = "";
      }
    });

    var freshInput = fresh.getElementById("q");
    if (freshInput) {
      var describedBy = freshInput.getAttribute("aria-describedby") || "";
      input.setAttribute("aria-describedby", (describedBy + " " + HELP_ID).trim());
      if (freshInput.hasAttribute("aria-invalid")) {
        input.setAttribute("aria-invalid", freshInput.getAttribute("aria-invalid"));
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
    var group = document.getElementById("q-group");
    var freshGroup = fresh.getElementById("q-group");
    if (group && freshGroup) {
      group.className = freshGroup.className;
    }
    var freshCount = fresh.getElementById("result-count");
    announce(freshCount ? freshCount.textContent.trim() : "");
    document.title = fresh.title;
  }

  /*
   * Fetches the page at `address` and shows it. `how.push` adds a history entry;
   * `how.moveFocus` moves focus to the result count (after a link, whose element is gone);
   * `how.fromHistory` also puts the query back in the box.
   */
  function load(address, how) {
    var number = ++loadNumber;
    var region = document.getElementById("results-region");
    if (region) {
      region.setAttribute("aria-busy", "true");
    }
    fetch(address, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        if (number !== loadNumber) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        if (!fresh.getElementById("results-region")) {
          throw new Error("not a search page");
        }
        if (how.push) {
          window.history.pushState({ search: true }, "", address);
        }
        shownSearch = window.location.search;
        if (how.fromHistory) {
          var freshInput = fresh.getElementById("q");
          input.value = freshInput ? freshInput.value : "";
          var freshAudience = fresh.getElementById("audience");
          if (audience && freshAudience) {
            audience.checked = freshAudience.checked;
          }
        }
        swapRegions(fresh);
        if (focusErrorSummary()) {
          return;
        }
        if (how.moveFocus) {
          count.focus();
        }
      })
      .catch(function () {
        window.location.assign(address);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    closeSuggestions();
    load(searchAddress(), { push: true });
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) {
      return;
    }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) {
      return;
    }
    var href = link.getAttribute("href");
    if (href === "#q") {
      event.preventDefault();
      input.focus();
      return;
    }
    var inPage = link.closest("#results-region, #error-area");
    if (inPage && href.charAt(0) === "?") {
      event.preventDefault();
      load(href, { push: true, moveFocus: true });
    }
  });

  /*
   * The results shown, for the audience now chosen: the same search and filters from
   * the first page, with the words now in the box.
   */
  function audienceAddress() {
    var fields = new URLSearchParams(shownSearch);
    fields.set("q", input.value);
    fields.delete("offset");
    if (audience.checked) {
      fields.set("audience", audience.value);
    } else {
      fields.delete("audience");
    }
    return "?" + fields.toString();
  }

  if (audience) {
    audience.addEventListener("change", function () {
      var searched = new URLSearchParams(shownSearch).has("q");
      if (!searched || input.value.trim() === "") {
        return;
      }
      load(audienceAddress(), { push: true });
    });
  }

  window.addEventListener("popstate", function () {
    if (window.location.search === shownSearch) {
      return;
    }
    load(window.location.href, { fromHistory: true, moveFocus: true });
  });

  /* ---- Suggestions: the combobox ---- */

  var LISTBOX_ID = "q-suggestions";
  var HELP_ID = "q-suggestions-help";

  var listbox = document.createElement("ul");
  listbox.id = LISTBOX_ID;
  listbox.className = "suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Suggestions");
  listbox.hidden = true;
  input.parentNode.appendChild(listbox);

  var help = document.createElement("span");
  help.id = HELP_ID;
  help.className = "visually-hidden";
  help.textContent =
    "When suggestions appear, use the up and down arrow keys to choose one, " +
    "then press Enter to search for it.";
  form.appendChild(help);

  var suggestionStatus = document.createElement("div");
  suggestionStatus.className = "visually-hidden";
  suggestionStatus.setAttribute("role", "status");
  suggestionStatus.setAttribute("aria-live", "polite");
  form.appendChild(suggestionStatus);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", LISTBOX_ID);
  var describedBy = input.getAttribute("aria-describedby") || "";
  input.setAttribute("aria-describedby", (describedBy + " " + HELP_ID).trim());

  var suggestions = [];
  var active = -1;
  var timer = 0;
  var pending = null;

  function isOpen() {
    return !listbox.hidden;
  }

  function openSuggestions() {
    if (suggestions.length === 0) {
      return;
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function closeSuggestions() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function setActive(index) {
    active = index;
    var options = listbox.children;
    for (var i = 0; i < options.length; i++) {
      var chosen = i === index;
      options[i].setAttribute("aria-selected", chosen ? "true" : "false");
      options[i].classList.toggle("suggestions__option--active", chosen);
    }
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) {
        options[index].scrollIntoView({ block: "nearest" });
      }
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function showSuggestions(list) {
    suggestions = list;
    listbox.textContent = "";
    list.forEach(function (suggestion, index) {
      var option = document.createElement("li");
      option.id = LISTBOX_ID + "-" + index;
      option.className = "suggestions__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = suggestion.text;
      // Keep focus in the box when an option is clicked.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      option.addEventListener("click", function () {
        pick(index);
      });
      listbox.appendChild(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (list.length === 0) {
      closeSuggestions();
      suggestionStatus.textContent = "";
      return;
    }
    openSuggestions();
    suggestionStatus.textContent =
      list.length === 1 ? "1 suggestion available." : list.length + " suggestions available.";
  }

  function pick(index) {
    var suggestion = suggestions[index];
    if (!suggestion) {
      return;
    }
    input.value = suggestion.text;
    closeSuggestions();
    suggestions = [];
    input.focus();
    load(searchAddress(), { push: true });
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (pending) {
      pending.abort();
      pending = null;
    }
    if (text.length < MIN_SUGGEST_CHARS) {
      showSuggestions([]);
      return;
    }
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    var address =
      "suggest?q=" + encodeURIComponent(text) + "&limit=" + SUGGEST_LIMIT;
    fetch(address, {
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (body) {
        if (input.value.trim() !== text || document.activeElement !== input) {
          return;
        }
        var list = Array.isArray(body.suggestions) ? body.suggestions : [];
        showSuggestions(
          list.filter(function (suggestion) {
            return suggestion && typeof suggestion.text === "string";
          })
        );
      })
      .catch(function () {
        // Suggestions are a convenience: the search itself still works.
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, SUGGEST_DELAY_MS);
  });

  input.addEventListener("keydown", function (event) {
    var total = suggestions.length;
    switch (event.key) {
      case "ArrowDown":
      case "Down":
        if (total === 0) {
          return;
        }
        event.preventDefault();
        if (!isOpen()) {
          openSuggestions();
          setActive(0);
        } else {
          setActive((active + 1) % total);
        }
        break;
      case "ArrowUp":
      case "Up":
        if (total === 0 || !isOpen()) {
          return;
        }
        event.preventDefault();
        setActive(active <= 0 ? total - 1 : active - 1);
        break;
      case "Enter":
        if (isOpen() && active >= 0) {
          event.preventDefault();
          pick(active);
        } else {
          closeSuggestions();
        }
        break;
      case "Escape":
      case "Esc":
        if (isOpen()) {
          event.preventDefault();
          closeSuggestions();
        }
        break;
      case "Tab":
        closeSuggestions();
        break;
      default:
        break;
    }
  });

  input.addEventListener("blur", function () {
    closeSuggestions();
  });
})();
