import Cells
import SetupPlan
import SetupRunner
