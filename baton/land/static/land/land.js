// 招商地图: the offline map. Leaflet (vendored) draws our own GeoJSON — the district outline,
// the parcels coloured by supply status, buildings and the projects on their land — with no
// tile server. A click on a parcel loads its card (an htmx fragment) into the side panel.
// No inline scripts or styles (CSP): colours come from here, everything else from land.css.
// Names are data: they reach the page as text nodes only, never as a string Leaflet would
// insert as HTML (its tooltips, popups and divIcons take a string as markup).
(function () {
  "use strict";

  var COLORS = {
    reserve: "#868e96",   // 储备
    available: "#2b8a3e", // 可供
    reserved: "#e8590c",  // 已预留
    sold: "#1f4e8c"       // 已出让
  };
  var el = document.getElementById("land-map");

  // After a reservation (or any action) on a page without the map: show the new state.
  document.addEventListener("landChanged", function () {
    if (!el) window.location.reload();
  });
  if (!el || !window.L) return;

  var map = L.map(el, {
    zoomControl: false,
    attributionControl: false,
    zoomSnap: 0.25,
    minZoom: 8,
    maxZoom: 18
  });
  L.control.zoom({ zoomInTitle: "放大", zoomOutTitle: "缩小" }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  map.setView([24.64, 118.28], 12);

  // Leaflet positions a marker with an inline transform, so what is centred or rotated is
  // an inner <span>; its text is set here, never parsed as HTML.
  function textLabel(latlng, text, className) {
    var icon = L.divIcon({ className: "land-label " + (className || ""), html: "<span></span>", iconSize: [0, 0] });
    var marker = L.marker(latlng, { icon: icon, interactive: false, keyboard: false });
    marker.on("add", function () {
      var node = marker.getElement();
      if (node && node.firstChild) node.firstChild.textContent = text;
    });
    return marker;
  }

  // A tooltip's content: Leaflet inserts a string as HTML, an element as it is.
  function tipText(text) {
    var node = document.createElement("span");
    node.textContent = text;
    return node;
  }

  var boundary = L.geoJSON(null, {
    style: function () {
      return { color: "#163a69", weight: 2, dashArray: "6 4", fillColor: "#f6f1e3", fillOpacity: 1 };
    },
    pointToLayer: function (feature, latlng) {
      var kind = feature.properties.kind === "district" ? "land-label-district" : "land-label-town";
      return textLabel(latlng, feature.properties.name, kind);
    },
    interactive: false
  }).addTo(map);

  var selected = null;
  var parcels = L.geoJSON(null, {
    filter: function (feature) { return feature.properties.layer === "parcel"; },
    style: function (feature) {
      var color = COLORS[feature.properties.status] || "#5c6773";
      return { color: color, weight: 1.5, fillColor: color, fillOpacity: 0.55, className: "land-parcel-" + feature.properties.code };
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      var tip = p.name + "（" + p.area_mu + " 亩 · " + p.land_use + " · " + p.status_label + "）";
      if (p.project) tip += "\n项目：" + p.project;
      layer.bindTooltip(tipText(tip), { sticky: true, className: "land-tip" });
      layer.on("click", function () { openCard(p.url, layer); });
      layer.on("keypress", function (event) {
        if (event.originalEvent.key === "Enter") openCard(p.url, layer);
      });
    }
  }).addTo(map);

  // A parcel of 100 亩 is a few pixels across at the district's zoom: a dot of its colour
  // marks it there, and its name appears from zoom 13.5 on.
  var dots = L.layerGroup();
  var parcelLayer = L.layerGroup([parcels, dots]).addTo(map);
  var parcelLabels = L.layerGroup();
  var buildings = L.layerGroup().addTo(map);
  var projects = L.layerGroup().addTo(map);
  L.control.layers(null, { "地块": parcelLayer, "地块名称": parcelLabels, "载体": buildings, "项目": projects }, { collapsed: false, position: "bottomright" }).addTo(map);

  function openCard(url, layer) {
    if (selected) parcels.resetStyle(selected);
    selected = layer || null;
    if (selected) selected.setStyle({ weight: 4, color: "#d6336c" });
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#parcel-card", swap: "innerHTML" });
    } else {
      window.location.href = url;
    }
  }

  function addPoints(features) {
    buildings.clearLayers();
    projects.clearLayers();
    features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var latlng = [c[1], c[0]];
      if (p.layer === "building") {
        var dot = L.circleMarker(latlng, { radius: 6, color: "#5f3dc4", weight: 2, fillColor: "#b197fc", fillOpacity: 0.9, className: "land-building-" + p.code });
        dot.bindTooltip(tipText(p.name + "（" + p.kind_label + "，空置 " + p.vacant_m2 + " 平方米）"), { className: "land-tip" });
        dot.on("click", function () { openCard(p.url, null); });
        buildings.addLayer(dot);
      } else if (p.layer === "project") {
        var pin = L.marker(latlng, { icon: L.divIcon({ className: "land-project-pin", html: "<span></span>", iconSize: [0, 0] }), title: p.name });
        pin.bindTooltip(tipText("项目：" + p.name + "（" + p.stage + "，地块 " + p.parcel + "）"), { className: "land-tip", direction: "top", offset: [0, -16] });
        pin.on("click", function () { window.location.href = p.url; });
        projects.addLayer(pin);
      }
    });
  }

  function addLabels(features) {
    parcelLabels.clearLayers();
    dots.clearLayers();
    features.forEach(function (feature) {
      var p = feature.properties;
      if (p.layer !== "parcel") return;
      var centre = [p.centroid[1], p.centroid[0]];
      parcelLabels.addLayer(textLabel(centre, p.name, "land-label-parcel"));
      var color = COLORS[p.status] || "#5c6773";
      var dot = L.circleMarker(centre, { radius: 5, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 1, className: "land-dot-" + p.code });
      dot.bindTooltip(tipText(p.name + "（" + p.area_mu + " 亩 · " + p.status_label + "）"), { className: "land-tip" });
      dot.on("click", function () {
        var polygon = parcels.getLayers().filter(function (l) { return l.feature.properties.code === p.code; })[0];
        openCard(p.url, polygon);
      });
      dots.addLayer(dot);
    });
  }

  function toggleLabels() {
    var near = map.getZoom() >= 13.5;
    dots.eachLayer(function (dot) {
      dot.setStyle(near ? { stroke: false, fill: false } : { stroke: true, fill: true });
    });
    if (near) parcelLabels.addTo(map);
    else map.removeLayer(parcelLabels);
  }
  map.on("zoomend", toggleLabels);

  var outlineBounds = null;  // the districts' outlines, once drawn

  function load(fit) {
    return fetch(el.getAttribute("data-parcels"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        parcels.clearLayers();
        selected = null;
        parcels.addData(data);
        addPoints(data.features);
        addLabels(data.features);
        toggleLabels();
        el.setAttribute("data-loaded", String(parcels.getLayers().length));
        var drawn = parcels.getLayers().length;
        if (fit && el.getAttribute("data-filtered") === "1" && drawn) {
          map.fitBounds(parcels.getBounds(), { padding: [60, 60], maxZoom: 15, animate: false });
        } else if (fit && drawn) {
          // Every parcel in view, with the outlines: a city's districts without an outline
          // of their own (or land beyond one) are not left off the screen.
          var all = L.latLngBounds(parcels.getBounds().getSouthWest(), parcels.getBounds().getNorthEast());
          if (outlineBounds) all.extend(outlineBounds);
          map.fitBounds(all, { padding: [10, 10], animate: false });
        }
      })
      .catch(function () {
        el.setAttribute("data-loaded", "error");
        var note = document.createElement("p");
        note.className = "alert alert-error land-map-error";
        note.textContent = "地块数据加载失败，请刷新页面重试。";
        el.parentNode.insertBefore(note, el);
      });
  }

  fetch(el.getAttribute("data-boundary"), { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : { features: [] }; })
    .then(function (data) {
      boundary.addData(data);
      var polygons = data.features.filter(function (f) { return f.geometry.type !== "Point"; });
      if (polygons.length) {
        outlineBounds = L.geoJSON({ type: "FeatureCollection", features: polygons }).getBounds();
        map.fitBounds(outlineBounds, { padding: [10, 10], animate: false });
      }
    })
    .then(function () { return load(true); });

  document.addEventListener("landChanged", function () { load(false); });
})();
