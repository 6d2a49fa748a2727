"""Reading the land bureau's boundary-coordinate text (国土资源部 界址点坐标交换格式):
``[属性描述]`` and ``[地块坐标]``, X north and Y east on a CGCS2000 Gauss–Krüger zone."""

from ..geometry import GeometryError, gauss_to_lonlat, outline_from_geojson, zone_crs
from ..models import (
    Parcel,
)
from .fields import _area_text, land_use_of
from .result import _CODE, _Plan


class _Txt:
    """Boundary-coordinate text (a part of ``_Importer``)."""

    def read_txt(self, text: str) -> list[_Plan]:
        header: dict[str, tuple[int, str]] = {}
        blocks: list[dict] = []
        section = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip().replace("，", ",")
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            if section == "属性描述":
                key, sep, value = line.partition("=")
                if sep:
                    header[key.strip()] = (number, value.strip())
            elif section == "地块坐标":
                if line.endswith("@"):
                    fields = [f.strip() for f in line[:-1].split(",")]
                    blocks.append({"line": number, "fields": fields, "points": []})
                elif not blocks:
                    self.error(
                        number, "界址点", line, "界址点出现在第一个地块属性行（以 @ 结尾）之前。"
                    )
                else:
                    blocks[-1]["points"].append((number, [p.strip() for p in line.split(",")]))
            else:
                self.error(number, "", line, "这一行不在“[属性描述]”或“[地块坐标]”节中。")
        if not blocks:
            self.refuse("没有地块：“[地块坐标]”节中找不到以 @ 结尾的地块属性行。")
        width, zone, zone_line = self._txt_header(header)
        if self.result.errors:
            return []
        plans, seen = [], {}
        for block in blocks:
            plan = self._txt_block(block, width, zone, zone_line, seen)
            if plan is not None:
                plans.append(plan)
        return plans

    def _txt_header(self, header: dict) -> tuple[int, int | None, int]:
        line, system = header.get("坐标系", (0, ""))
        if not system:
            self.error(0, "坐标系", "", "“[属性描述]”缺少“坐标系”，无法确定坐标含义。")
        elif "2000" not in system:
            self.error(
                line,
                "坐标系",
                system,
                "只支持 2000国家大地坐标系（CGCS2000）；西安80、北京54 坐标须先由国土部门转换。",
            )
        line, projection = header.get("投影类型", (0, ""))
        if projection and "高斯" not in projection:
            self.error(line, "投影类型", projection, "只支持高斯-克吕格投影。")
        line, unit = header.get("计量单位", (0, ""))
        if unit and unit not in ("米", "m", "M"):
            self.error(line, "计量单位", unit, "坐标的计量单位须为米。")
        line, width_text = header.get("几度分带", (0, "3"))
        width = 3
        if width_text.rstrip("度") not in ("3", "6"):
            self.error(line, "几度分带", width_text, "分带只能是 3 度或 6 度。")
        else:
            width = int(width_text.rstrip("度"))
        zone_line, zone_text = header.get("带号", (0, ""))
        zone = None
        if zone_text:
            if not zone_text.isdigit():
                self.error(zone_line, "带号", zone_text, "带号应为整数（如 39）。")
            else:
                zone = int(zone_text)
        return width, zone, zone_line

    def _txt_block(self, block: dict, width: int, zone: int | None, zone_line: int, seen: dict):
        number, fields = block["line"], block["fields"]
        fields += [""] * (8 - len(fields))
        count, area, code, name, shape_kind, _sheet, use_name, use_code = fields[:8]
        errors_before = len(self.result.errors)
        if not code:
            self.error(number, "地块编号", "", "地块编号不能为空（地块属性行第 3 项）。")
        elif not _CODE.match(code):
            self.error(
                number, "地块编号", code, "地块编号只能包含字母、数字、短横线和下划线，最长 40 位。"
            )
        elif code in seen:
            self.error(number, "地块编号", code, f"与第 {seen[code]} 行的地块编号重复。")
        else:
            seen[code] = number
        if shape_kind and shape_kind != "面":
            self.error(number, "记录图形属性", shape_kind, "只支持“面”状地块。")
        rings: dict[int, list] = {}
        zones = set()
        for line, parts in block["points"]:
            if len(parts) < 4:
                self.error(line, "界址点", ",".join(parts), "界址点应为：点号,圈号,X(北),Y(东)。")
                continue
            try:
                ring = int(parts[1])
                x, y = float(parts[2]), float(parts[3])
            except ValueError:
                self.error(line, "界址点", ",".join(parts), "圈号应为整数，X、Y 应为以米计的数。")
                continue
            if x > 1e7 and y < 1e7:
                self.error(
                    line,
                    "X",
                    parts[2],
                    "X、Y 可能颠倒：X 为北坐标（约 200 万–600 万米），Y 为带带号的东坐标。",
                )
                continue
            if not 0 < x < 6.2e6:
                self.error(line, "X", parts[2], "X（北坐标）超出中国范围（约 200 万–600 万米）。")
                continue
            if y >= 1e6:
                point_zone, easting = int(y // 1_000_000), y
            else:
                point_zone, easting = None, y
            if not 1e5 < easting % 1_000_000 < 9e5:
                self.error(line, "Y", parts[3], "Y（东坐标）不在投影带范围内。")
                continue
            zones.add(point_zone)
            rings.setdefault(ring, []).append((line, x, y))
        if len(self.result.errors) > errors_before:
            return None
        if not rings:
            self.error(number, "界址点", "", "该地块没有界址点。")
            return None
        if count.isdigit():
            points = sum(len(r) for r in rings.values())
            if abs(int(count) - points) > len(rings):
                self.error(
                    number,
                    "界址点数",
                    count,
                    f"声明 {count} 个界址点，实际 {points} 个：文件可能不完整。",
                )
                return None
        epsg = self._txt_zone(number, zones, width, zone, zone_line)
        if epsg is None:
            return None
        ordered = [rings[k] for k in sorted(rings)]
        geometry = {
            "type": "Polygon",
            "coordinates": [
                [list(p) for p in gauss_to_lonlat(epsg, [(x, y) for _line, x, y in ring])]
                for ring in ordered
            ],
        }
        try:
            outline = outline_from_geojson(geometry)
        except GeometryError as exc:
            self.error(number, "界址点", code, str(exc))
            return None
        existing = Parcel.objects.filter(code=code).first()
        values: dict = {}
        if name:
            values["name"] = name[:100]
        elif existing is None:
            self.error(number, "地块名称", "", "新地块的名称不能为空（地块属性行第 4 项）。")
        raw_use = use_code or use_name
        if raw_use:
            use = land_use_of(use_code) or land_use_of(use_name)
            if use is None:
                self.error(
                    number,
                    "地块用途",
                    raw_use,
                    "无法识别的用地性质：请填 GB 50137 代码（如 M1、W1）或“工业用地”等。",
                )
            else:
                values["land_use"] = use
        elif existing is None:
            self.error(
                number, "地块用途", "", "新地块须有地块用途或地类编码（如 M1、0601 工业用地）。"
            )
        if area:
            declared = _area_text(area)
            if declared is None:
                self.error(
                    number,
                    "地块面积",
                    area,
                    "地块面积应为数字，单位公顷（可写“0.7655公顷”“11.5亩”）。",
                )
            else:
                values["declared_area_mu"] = declared
        district = self.default
        if district is None:
            self.error(number, "所属区", "", "界址点文本不含所属区，请指定导入的区。")
        elif self.actor is not None and district.pk != self.actor.district_id:
            self.error(number, "所属区", district.name, "只能导入本区的地块。")
        if len(self.result.errors) > errors_before:
            return None
        return self._plan(number, code, district, outline, values, existing)

    def _txt_zone(self, number: int, zones: set, width: int, zone: int | None, zone_line: int):
        prefixed = {z for z in zones if z is not None}
        if len(zones) > 1:
            self.error(
                number,
                "Y",
                "",
                "同一地块的界址点带号不一致（部分 Y 坐标带带号、部分不带，或带号不同）。",
            )
            return None
        try:
            if prefixed:
                (point_zone,) = prefixed
                if zone is not None and zone != point_zone:
                    self.error(
                        zone_line,
                        "带号",
                        zone,
                        f"属性描述的带号 {zone} 与 Y 坐标前缀的带号 {point_zone} 不一致。",
                    )
                    return None
                return zone_crs(width, point_zone, prefixed=True)
            if zone is None:
                self.error(
                    number, "带号", "", "Y 坐标不带带号，属性描述中也没有“带号”，无法确定投影带。"
                )
                return None
            return zone_crs(width, zone, prefixed=False)
        except GeometryError as exc:
            self.error(zone_line or number, "带号", zone, str(exc))
            return None
