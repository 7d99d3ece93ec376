"""X12 text for the reader tests, written here by hand (names and numbers are made up)."""

from __future__ import annotations

ISA = (
    "ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*PROVIDERRCVR   "
    "*240115*1200*^*00501*000000101*0*P*:~"
)


def interchange(*transactions: str, control: str = "000000101", group: str = "7001") -> str:
    """Wrap transaction sets (ST..SE text) in one GS and one ISA with correct trailers."""
    body = "".join(transactions)
    return (
        ISA.replace("000000101", control)
        + f"GS*HP*PAYER*PROVIDER*20240115*1200*{group}*X*005010X221A1~"
        + body
        + f"GE*{len(transactions)}*{group}~IEA*1*{control}~"
    )


def transaction(segments: list[str], control: str = "0001", kind: str = "835") -> str:
    """ST + segments + SE with the right count."""
    implementation = "005010X221A1" if kind == "835" else "005010X231A1"
    body = [f"ST*{kind}*{control}*{implementation}", *segments]
    return "".join(s + "~" for s in body) + f"SE*{len(body) + 1}*{control}~"


# A balanced 835: two claims, a crossover, a reversal with its correction and a PLB.
#   claim A: 200.00 - (CO-45 40.00 + PR-2 30.00 on lines) = 130.00 paid
#   claim B: reversal of 100.00 paid earlier: -150.00 - (-50.00 CO-45) = -100.00
#   claim C: 150.00 - (CO-45 50.00) = 100.00, crossed over to a Medigap carrier
#   transaction: 130.00 - 100.00 + 100.00 - PLB (WO 10.00 + L6 -2.50 = 7.50) = 122.50
BALANCED_835_SEGMENTS = [
    "BPR*I*122.5*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*888888888*DA*654321*20240116",
    "TRN*1*EFT0001234*1512345678",
    "REF*EV*PROVIDERRCVR",
    "DTM*405*20240115",
    "N1*PR*ACME HEALTH PLAN",
    "N3*1 PAYER WAY",
    "N4*SPRINGFIELD*IL*62701",
    "REF*2U*ACME01",
    "PER*BL*EDI*TE*8005551212",
    "N1*PE*RIVERSIDE CLINIC*XX*1234567893",
    "N3*5 CLINIC RD",
    "N4*SPRINGFIELD*IL*62702",
    "REF*TJ*371234567",
    "LX*1",
    "CLP*PCN-A*1*200*130*30*12*PAYERCLAIM-A*11*1",
    "NM1*QC*1*DOE*JANE****MI*W123456789",
    "NM1*IL*1*DOE*JOHN****MI*W123456700",
    "NM1*82*1*SMITH*ANNA****XX*1987654320",
    "MOA***MA01",
    "REF*1L*GROUP77",
    "DTM*232*20240102",
    "DTM*233*20240102",
    "DTM*050*20240105",
    "AMT*AU*160",
    "SVC*HC:99213:25*120*80**1",
    "DTM*472*20240102",
    "CAS*CO*45*20",
    "CAS*PR*2*20",
    "REF*6R*LINE-1",
    "AMT*B6*100",
    "LQ*HE*N130",
    "SVC*HC:80053*80*50**2*HC:80050",
    "DTM*472*20240102",
    "CAS*CO*45*20**253*0",
    "CAS*PR*2*10",
    "REF*6R*LINE-2",
    "AMT*B6*60",
    "CLP*PCN-B*22*-150*-100**12*PAYERCLAIM-B*11*1",
    "CAS*CO*45*-50",
    "NM1*QC*1*ROE*RICHARD****MI*W987654321",
    "CLP*PCN-C*19*150*100**MB*PAYERCLAIM-C*11*1",
    "CAS*CO*45*50",
    "NM1*QC*1*POE*EDGAR****HN*1EG4TE5MK73",
    "NM1*TT*2*MEDIGAP INSURANCE CO*****PI*MG001",
    "MIA*3***120*M1",
    "PLB*1234567893*20241231*WO:ORIGCLAIM99*10*L6*-2.5",
]


def balanced_835() -> str:
    return interchange(transaction(BALANCED_835_SEGMENTS))


ACCEPTED_999 = (
    ISA
    + "GS*FA*PAYER*PROVIDER*20240115*1200*9001*X*005010X231A1~"
    + transaction(
        ["AK1*HC*5001*005010X222A1", "AK2*837*0001*005010X222A1", "IK5*A", "AK9*A*1*1*1"],
        kind="999",
    )
    + "GE*1*9001~IEA*1*000000101~"
)

REJECTED_999 = (
    ISA
    + "GS*FA*PAYER*PROVIDER*20240115*1200*9002*X*005010X231A1~"
    + transaction(
        [
            "AK1*HC*5002*005010X222A1",
            "AK2*837*0001*005010X222A1",
            "IK3*NM1*12*2010BA*8",
            "CTX*CLM01:PCN-A",
            "IK4*9*67*7*ZZ",
            "CTX*SITUATIONAL TRIGGER*CLM*22**5:3",
            "IK5*R*5",
            "AK2*837*0002*005010X222A1",
            "IK5*A",
            "AK9*P*2*2*1",
        ],
        kind="999",
    )
    + "GE*1*9002~IEA*1*000000101~"
)
