from rest_framework import serializers

from cadres.models import Cadre, Department, Ethos, Unit


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ("id", "code", "name", "kind", "kind_display", "parent", "parent_code", "head", "head_name", "active")
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ("id", "code", "name", "unit", "unit_code", "unit_name", "head", "head_name", "active")
        read_only_fields = fields


class CadreSerializer(serializers.ModelSerializer[Cadre]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    rank_display = serializers.CharField(source="get_rank_display", read_only=True)

    class Meta:
        model = Cadre
        fields = (
            "id",
            "staff_number",
            "name",
            "unit",
            "unit_name",
            "department",
            "department_name",
            "position",
            "rank",
            "rank_display",
            "is_leading",
            "active",
        )
        read_only_fields = fields


class EthosSerializer(serializers.ModelSerializer[Ethos]):
    """An ethos in the request's language (Chinese unless the caller asks for English)."""

    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = Ethos
        fields = ("code", "order", "name", "description")
        read_only_fields = fields
