// Amounts in Chinese capitals (大写金额) as an amount is typed: the same rules as
// advisor/amounts.py (to_capital) and advisor/contracts/amounts.py (parse_amount);
// tests/browser/test_amounts.py holds the two to agreement. Work on digit strings,
// never on floating-point numbers.
(function () {
  "use strict";

  var DIGITS = "零壹贰叁肆伍陆柒捌玖";
  var PLACES = ["", "拾", "佰", "仟"];
  var GROUPS = ["亿", "万", ""];
  var PREFIXES = ["人民币", "¥", "￥", "RMB"];
  var UNITS = { "万": 4, "亿": 8 }; // places the decimal point moves
  var SHAPE = /^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$|^[0-9]+(\.[0-9]+)?$/;

  // 1 to 9999 with 仟佰拾: one 零 per inner run of zeros, none for trailing zeros.
  function groupCapital(group) {
    var words = "";
    var pendingZero = false;
    for (var place = 3; place >= 0; place--) {
      var digit = Math.floor(group / Math.pow(10, place)) % 10;
      if (!digit) {
        pendingZero = words !== "";
        continue;
      }
      if (pendingZero) words += "零";
      pendingZero = false;
      words += DIGITS[digit] + PLACES[place];
    }
    return words;
  }

  // "1234.5", "1234.50" or "1234" -> the standard capitals without 人民币, or "" when
  // the figure is not 0.01 to 999,999,999,999.99 at fen precision.
  function toCapital(figure) {
    var match = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(figure);
    if (!match) return "";
    var yuan = match[1].replace(/^0+/, "");
    if (yuan.length > 12) return "";
    var cents = ((match[2] || "") + "00").slice(0, 2);
    var jiao = Number(cents[0]);
    var fen = Number(cents[1]);
    if (!yuan && !jiao && !fen) return "";
    var padded = ("000000000000" + yuan).slice(-12);
    var words = "";
    for (var index = 0; index < GROUPS.length; index++) {
      var group = Number(padded.slice(index * 4, index * 4 + 4));
      if (!group) continue;
      if (words && group < 1000) words += "零";
      words += groupCapital(group) + GROUPS[index];
    }
    if (yuan) words += "元";
    if (!jiao && !fen) words += "整";
    if (jiao) words += DIGITS[jiao] + "角";
    else if (fen && yuan) words += "零";
    if (fen) words += DIGITS[fen] + "分";
    return words;
  }

  // What a person typed -> "12000.5" without separators, or null: parse_amount's rules.
  // 12万 and 1.5万元 move the decimal point four places, 1.2亿 eight, on the digits.
  function parseFigure(text) {
    var value = text.normalize("NFKC").trim().replace(/ /g, "");
    if (!value) return null;
    PREFIXES.forEach(function (prefix) {
      if (value.startsWith(prefix)) value = value.slice(prefix.length);
    });
    if (value.endsWith("元")) value = value.slice(0, -1);
    value = value.trim();
    var shift = UNITS[value.slice(-1)] || 0;
    if (shift) value = value.slice(0, -1);
    if (!SHAPE.test(value)) return null;
    value = value.replace(/,/g, "");
    if (!shift) {
      var typedFraction = value.split(".")[1] || "";
      return typedFraction.length > 2 ? null : value;
    }
    var parts = value.split(".");
    var fraction = (parts[1] || "") + "00000000".slice(0, shift);
    var whole = (parts[0] + fraction.slice(0, shift)).replace(/^0+(?=[0-9])/, "");
    fraction = fraction.slice(shift).replace(/0+$/, "");
    if (fraction.length > 2) return null;
    return fraction ? whole + "." + fraction : whole;
  }

  // "120000" or "1234.5" -> "120,000.00" / "1,234.50".
  function withSeparators(figure) {
    var parts = figure.split(".");
    var whole = parts[0].replace(/\B(?=([0-9]{3})+(?![0-9]))/g, ",");
    return whole + "." + ((parts[1] || "") + "00").slice(0, 2);
  }

  // The figure of a typed amount in 万 or 亿 ("¥120,000.00" for 12万), which is what
  // is stored; "" when the typed text has no such unit or is not a valid amount.
  function figureOfTyped(text) {
    var value = text.normalize("NFKC").trim().replace(/元$/, "");
    if (!UNITS[value.slice(-1)]) return "";
    var figure = parseFigure(text);
    return figure === null || !toCapital(figure) ? "" : "¥" + withSeparators(figure);
  }

  // The capitals shown for a typed amount: "" for anything that is not a valid amount.
  function capitalOfTyped(text) {
    var figure = parseFigure(text);
    return figure === null ? "" : toCapital(figure);
  }

  window.AdvisorAmounts = {
    toCapital: toCapital,
    parseFigure: parseFigure,
    capitalOfTyped: capitalOfTyped,
    figureOfTyped: figureOfTyped,
  };

  document.querySelectorAll("[data-capital-for]").forEach(function (target) {
    var input = document.getElementById(target.dataset.capitalFor);
    if (!input) return;
    if (target.id) input.setAttribute("aria-describedby", target.id);
    var figure = document.querySelector("[data-figure-for='" + input.id + "']");
    function update() {
      var capitals = capitalOfTyped(input.value);
      target.textContent = capitals;
      if (!figure) return;
      // The figure a 12万 is stored as; for what cannot be read, how to write it.
      var unreadable = input.value.trim() !== "" && parseFigure(input.value) === null;
      figure.textContent = unreadable ? figure.dataset.unreadable : figureOfTyped(input.value);
      figure.classList.toggle("text-danger", unreadable);
    }
    input.addEventListener("input", update);
    update();
  });
})();
