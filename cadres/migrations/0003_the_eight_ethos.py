"""The eight ethos, as the policy lists them (Opinions II(3), first to eighth): stable codes, names
and short descriptions in both languages. Later changes to the wording come in new migrations."""

from typing import Any

from django.db import migrations

EIGHT = [
    (
        "study",
        "勤奋好学、学以致用",
        "Diligent study, applying what is learned",
        "牢固树立终身学习理念，坚持理论联系实际的学风，学习科学文化知识、更新知识结构，"
        "着力解决改革发展稳定中的实际问题，把学习成果转化为谋划工作的思路、推动工作的措施和领导工作的本领。",
        "Hold to lifelong learning and link theory with practice; keep one's knowledge up to date, and "
        "turn what is learned into ideas, measures and skills for solving the practical problems of the work.",
    ),
    (
        "people",
        "心系群众、服务人民",
        "Caring for the masses, serving the people",
        "坚持党的群众路线，深入基层、深入群众，以群众的意愿和要求作为决策的根本依据，"
        "把解决民生问题摆在各项工作的首位，着力解决群众反映强烈的突出问题，多办顺民意、解民忧、惠民生的实事。",
        "Keep to the mass line and stay close to the grassroots; take the people's wishes as the basis of "
        "decisions, put their livelihood first, and solve the problems they complain of most.",
    ),
    (
        "pragmatism",
        "真抓实干、务求实效",
        "Seeking truth, being pragmatic",
        "增强责任感和紧迫感，克服浮躁情绪，把心思用在事业上、把精力放在抓落实上，"
        "敢于直面困难和矛盾，察实情、说实话、办实事、求实效，部署的工作一抓到底。",
        "Work with a sense of responsibility and urgency, without impatience; face difficulties squarely, "
        "find the facts, tell the truth, do practical things and see each task through to real results.",
    ),
    (
        "frugality",
        "艰苦奋斗、勤俭节约",
        "Hard work, plain living",
        "牢记“两个务必”，带头发扬艰苦奋斗、勤俭节约的精神，带头反对铺张浪费，"
        "带头抵制拜金主义、享乐主义和奢靡之风，精打细算，把有限的资金和资源用在刀刃上。",
        "Remember the “two musts”: take the lead in hard work and thrift, oppose extravagance and waste, "
        "resist money worship and hedonism, and spend limited funds where they count.",
    ),
    (
        "discipline",
        "顾全大局、令行禁止",
        "The overall situation first, orders obeyed and prohibitions observed",
        "自觉与上级党委保持高度一致，坚持个人服从组织、局部服从全局，严守党的纪律，"
        "不以地方和部门的特殊性为借口有令不行、有禁不止，把上级精神与本地区本部门实际创造性地结合起来。",
        "Stay at one with the decisions of the higher Party committees; the individual obeys the "
        "organisation and the part the whole; keep the Party's discipline, with no orders ignored and no "
        "bans defied on the pretext of local circumstances.",
    ),
    (
        "democracy",
        "发扬民主、团结共事",
        "Democracy, unity and cooperation",
        "严格执行民主集中制，按照领导班子议事决策规则办事，不搞一言堂，"
        "虚心听取各方面意见包括不同意见，善于团结同志，自觉接受组织、党员和群众的监督，发挥班子整体合力。",
        "Keep to democratic centralism and the leading body's rules of procedure, never deciding alone; "
        "listen to every opinion, dissent included, unite with colleagues and accept the supervision of "
        "the organisation, Party members and the masses.",
    ),
    (
        "integrity",
        "秉公用权、廉洁从政",
        "Fair use of power, clean government",
        "树立正确的权力观、地位观、利益观，权为民所用，常修为政之德、常思贪欲之害、常怀律己之心，"
        "严格执行领导干部廉洁从政的各项规定，管好配偶、子女和身边工作人员，决不以权谋私。",
        "Power is given by the Party and the people and is used for the people only: keep the rules of "
        "clean government, guard against the temptations of power, money and beauty, and keep family and "
        "staff from seeking illegitimate gain.",
    ),
    (
        "decency",
        "生活正派、情趣健康",
        "Decent life, healthy taste",
        "加强思想道德修养，遵守社会公德、职业道德和家庭美德，讲操守、重品行，"
        "慎重选择个人爱好，摆脱低级趣味，慎交友、交诤友，净化社交圈，永葆政治本色。",
        "Cultivate one's morals; keep social, professional and family virtues, choose hobbies with care "
        "and shun vulgar ones, choose friends prudently and keep a clean social circle.",
    ),
]


def add_the_eight(apps: Any, schema_editor: Any) -> None:
    Ethos = apps.get_model("cadres", "Ethos")
    for order, (code, name_zh, name_en, description_zh, description_en) in enumerate(EIGHT, start=1):
        Ethos.objects.update_or_create(
            code=code,
            defaults={
                "order": order,
                "name_zh": name_zh,
                "name_en": name_en,
                "description_zh": description_zh,
                "description_en": description_en,
            },
        )


def remove_the_eight(apps: Any, schema_editor: Any) -> None:
    apps.get_model("cadres", "Ethos").objects.filter(code__in=[row[0] for row in EIGHT]).delete()


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_ethos")]

    operations = [migrations.RunPython(add_the_eight, remove_the_eight)]
